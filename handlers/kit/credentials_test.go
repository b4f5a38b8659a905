package kit

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/domain"
)

// TestTokenCache: a verified API token is believed for tokenCacheTTL
// without the database (a deleted token still passes inside the window,
// which is the documented cost), and no longer after it; a wrong token is
// never remembered; passwords never enter the cache.
func TestTokenCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := db.Open(ctx, dbtest.New(t))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	q := gendb.New(pool)
	u, err := q.CreateUser(ctx, gendb.CreateUserParams{Username: "alice", Source: "local"})
	require.NoError(t, err)
	tok, err := auth.CreateToken(ctx, q, auth.NewToken{Name: "t", Scopes: []string{"read"}, UserID: &u.ID})
	require.NoError(t, err)
	secret := tok.Secret
	log := slog.New(slog.DiscardHandler)
	k := New(Deps{Authn: auth.NewAuthenticator(pool, log), Authz: auth.NewAuthorizer(pool), Log: log})
	now := time.Now()
	k.now = func() time.Time { return now }

	call := func(hdr string) (auth.Principal, error) {
		r := httptest.NewRequest(http.MethodGet, "/x", nil)
		r.Header.Set("Authorization", hdr)
		_, p, err := k.Caller(r)
		return p, err
	}
	p, err := call("Bearer " + secret)
	require.NoError(t, err)
	require.Equal(t, "alice", p.Name)

	_, err = pool.Exec(ctx, `DELETE FROM tokens`)
	require.NoError(t, err)
	p, err = call("Bearer " + secret)
	require.NoError(t, err, "inside the window the verification is remembered")
	require.Equal(t, "alice", p.Name)

	now = now.Add(tokenCacheTTL + time.Millisecond)
	_, err = call("Bearer " + secret)
	require.ErrorIs(t, err, domain.ErrUnauthenticated, "after the window the database answers again")
	_, err = call("Bearer " + secret)
	require.ErrorIs(t, err, domain.ErrUnauthenticated, "a failure is not remembered as a success")

	_, ok := cacheableToken(basicRequest("alice", "alice-password-123"))
	require.False(t, ok, "passwords are not cached here")
	_, ok = cacheableToken(basicRequest("alice", secret))
	require.True(t, ok)
}

func basicRequest(user, pass string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/x", nil)
	r.SetBasicAuth(user, pass)
	return r
}
