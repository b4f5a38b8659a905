package kit

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/repository"
)

// queryCounter counts the statements a pool sends.
type queryCounter struct{ n atomic.Int64 }

func (c *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TestHotPathRoundTrips counts database round trips of authentication plus
// resolution, the kit's part of every protocol request: at most one for a
// first request (the token's verification is the authenticator's own
// query), one for an anonymous caller, and none for a repeated download.
func TestHotPathRoundTrips(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(dbtest.New(t))
	require.NoError(t, err)
	counter := &queryCounter{}
	cfg.ConnConfig.Tracer = counter
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	q := gendb.New(pool)
	u, err := q.CreateUser(ctx, gendb.CreateUserParams{Username: "alice", Source: "local"})
	require.NoError(t, err)
	tok, err := auth.CreateToken(ctx, q, auth.NewToken{Name: "t", Scopes: []string{"read"}, UserID: &u.ID})
	require.NoError(t, err)
	for _, name := range []string{"priv", "pub"} {
		vis := map[string]string{"priv": "private", "pub": "public"}[name]
		_, err = repository.CreateRepository(ctx, pool, repository.NewRepository{Name: name, Type: "files", Visibility: vis, OwnerID: &u.ID})
		require.NoError(t, err)
	}
	log := slog.New(slog.DiscardHandler)
	k := New(Deps{Authn: auth.NewAuthenticator(pool, log), Authz: auth.NewAuthorizer(pool), Log: log})

	download := func(hdr, repo string) int64 {
		t.Helper()
		before := counter.n.Load()
		r := httptest.NewRequest(http.MethodGet, "/x", nil)
		if hdr != "" {
			r.Header.Set("Authorization", hdr)
		}
		r, p, err := k.Caller(r)
		require.NoError(t, err)
		_, err = k.Resolve(r.Context(), p, repo, repository.TypeFiles, auth.ActionRead)
		require.NoError(t, err)
		return counter.n.Load() - before
	}
	bearer := "Bearer " + tok.Secret
	first := download(bearer, "priv")
	// The token lookup, its once-a-minute last-used update, the repository.
	require.LessOrEqual(t, first, int64(3))
	require.Zero(t, download(bearer, "priv"), "a repeated download asks nothing before the format's own query")
	require.Equal(t, int64(1), download("", "pub"), "anonymous: repository, grant and guest setting in one query")
	require.Zero(t, download("", "pub"))
}
