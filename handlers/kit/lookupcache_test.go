package kit

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/repository"
)

// TestLookupCache: a protocol endpoint believes a lookup for
// lookupCacheTTL (a revoked grant still reads inside the window, the
// documented cost) and asks again after it; the REST API always asks.
func TestLookupCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := db.Open(ctx, dbtest.New(t))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	q := gendb.New(pool)
	owner, err := q.CreateUser(ctx, gendb.CreateUserParams{Username: "owner", Source: "local"})
	require.NoError(t, err)
	reader, err := q.CreateUser(ctx, gendb.CreateUserParams{Username: "reader", Source: "local"})
	require.NoError(t, err)
	repo, err := repository.CreateRepository(ctx, pool, repository.NewRepository{Name: "priv", Type: "files", Visibility: "private", OwnerID: &owner.ID})
	require.NoError(t, err)
	require.NoError(t, q.UpsertUserPermission(ctx, gendb.UpsertUserPermissionParams{RepositoryID: repo.ID, UserID: &reader.ID, Level: "read"}))

	k := New(Deps{Authz: auth.NewAuthorizer(pool), Log: slog.New(slog.DiscardHandler)})
	now := time.Now()
	k.now = func() time.Time { return now }
	p := auth.Principal{Kind: auth.KindUser, ID: reader.ID, Name: "reader"}

	_, err = k.Resolve(ctx, p, "priv", repository.TypeFiles, auth.ActionRead)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `DELETE FROM repository_permissions`)
	require.NoError(t, err)

	_, err = k.Resolve(ctx, p, "priv", repository.TypeFiles, auth.ActionRead)
	require.NoError(t, err, "inside the window the lookup is remembered")
	_, err = k.ResolveREST(ctx, p, "priv", repository.TypeFiles, auth.ActionRead)
	require.ErrorIs(t, err, domain.ErrNotFound, "the REST API always asks the database")

	now = now.Add(lookupCacheTTL + time.Millisecond)
	_, err = k.Resolve(ctx, p, "priv", repository.TypeFiles, auth.ActionRead)
	require.ErrorIs(t, err, domain.ErrNotFound, "after the window the revocation applies")

	// Writes always ask: a write right after a read sees the revocation.
	_, err = k.Resolve(ctx, p, "priv", repository.TypeFiles, auth.ActionRead)
	require.ErrorIs(t, err, domain.ErrNotFound)
	require.NoError(t, q.UpsertUserPermission(ctx, gendb.UpsertUserPermissionParams{RepositoryID: repo.ID, UserID: &reader.ID, Level: "write"}))
	_, err = k.Resolve(ctx, p, "priv", repository.TypeFiles, auth.ActionWrite)
	require.NoError(t, err, "a write is never answered from the cache")

	// Another principal never sees the first one's entry.
	other := auth.Principal{Kind: auth.KindUser, ID: owner.ID, Name: "owner", Token: &auth.TokenLimits{ID: 9, Write: false}}
	_, err = k.Resolve(ctx, other, "priv", repository.TypeFiles, auth.ActionWrite)
	require.ErrorIs(t, err, domain.ErrForbidden, "a read-only token of the owner may not write")
}
