package db_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/domain"
)

func TestTranslateAndWithTx(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := dbtest.NewPool(t)
	q := gendb.New(pool)

	_, err := q.GetUserByUsername(ctx, "nobody")
	require.ErrorIs(t, db.Translate(err), domain.ErrNotFound)

	_, err = q.CreateUser(ctx, gendb.CreateUserParams{Username: "alice", Source: "local"})
	require.NoError(t, err)
	_, err = q.CreateUser(ctx, gendb.CreateUserParams{Username: "alice", Source: "local"})
	require.ErrorIs(t, db.Translate(err), domain.ErrConflict, "unique violation")

	_, err = q.CreateUser(ctx, gendb.CreateUserParams{Username: "bob", Source: "kerberos"})
	require.ErrorIs(t, db.Translate(err), domain.ErrInvalid, "check violation")

	// Text Postgres cannot store is the caller's fault, not a 500.
	_, err = q.GetUserByUsername(ctx, "nul\x00byte")
	require.ErrorIs(t, db.Translate(err), domain.ErrInvalid, "NUL byte (22021)")
	msg, ok := domain.PublicMessage(db.Translate(err))
	require.True(t, ok)
	require.Contains(t, msg, "NUL")
	_, err = q.GetUserByUsername(ctx, "bad\xffutf8")
	require.ErrorIs(t, db.Translate(err), domain.ErrInvalid, "invalid UTF-8 (22021)")

	// A failing function rolls everything back.
	boom := errors.New("boom")
	err = db.WithTx(ctx, pool, func(q *db.Queries) error {
		if _, err := q.CreateUser(ctx, gendb.CreateUserParams{Username: "carol", Source: "local"}); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	_, err = q.GetUserByUsername(ctx, "carol")
	require.ErrorIs(t, db.Translate(err), domain.ErrNotFound)

	// A successful one commits.
	require.NoError(t, db.WithTx(ctx, pool, func(q *db.Queries) error {
		_, err := q.CreateUser(ctx, gendb.CreateUserParams{Username: "dave", Source: "local"})
		return err
	}))
	_, err = q.GetUserByUsername(ctx, "dave")
	require.NoError(t, err)

	require.NoError(t, db.Migrate(ctx, pool), "migrating twice is a no-op")
}

func TestEachTestGetsItsOwnDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, urlA := dbtest.NewPool(t)
	b, urlB := dbtest.NewPool(t)
	require.NotEqual(t, urlA, urlB)
	_, err := gendb.New(a).CreateUser(ctx, gendb.CreateUserParams{Username: "only-in-a", Source: "local"})
	require.NoError(t, err)
	_, err = gendb.New(b).GetUserByUsername(ctx, "only-in-a")
	require.ErrorIs(t, db.Translate(err), domain.ErrNotFound)
}

func TestWaitGivesUpWithContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 700_000_000) // 0.7s
	defer cancel()
	pool, err := db.Open(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable")
	require.NoError(t, err)
	defer pool.Close()
	err = db.Wait(ctx, pool, discardLogger())
	require.Error(t, err)
	require.Contains(t, err.Error(), "database not reachable")
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
