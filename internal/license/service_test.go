package license_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/license"
)

func issue(t *testing.T, priv ed25519.PrivateKey, maxUsers int, expires time.Time) string {
	t.Helper()
	key, err := license.Sign(payload(expires, maxUsers), priv)
	require.NoError(t, err)
	return key
}

// TestServiceLifecycle follows one key from activation through its last
// 30 days to expiry, with the user limit each state imposes.
func TestServiceLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := dbtest.NewPool(t)
	pub, priv := newKey(t)
	svc := license.New(pool, pub, slog.New(slog.NewTextHandler(io.Discard, nil)))
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	svc.Now = func() time.Time { return now }
	q := gendb.New(pool)
	for i := range 6 {
		_, err := q.CreateUser(ctx, gendb.CreateUserParams{Username: fmt.Sprintf("u%d", i), Source: "local"})
		require.NoError(t, err)
	}

	in, err := svc.Current(ctx)
	require.NoError(t, err)
	require.Equal(t, license.Info{Status: license.StatusEvaluation, MaxUsers: 5, ActiveUsers: 6}, in)
	require.ErrorIs(t, svc.CheckUserLimit(ctx, q), domain.ErrConflict)

	expires := now.Add(60 * 24 * time.Hour)
	in, err = svc.Activate(ctx, issue(t, priv, 10, expires))
	require.NoError(t, err)
	require.Equal(t, license.StatusActive, in.Status)
	require.Equal(t, 10, in.MaxUsers)
	require.NoError(t, svc.CheckUserLimit(ctx, q))

	now = expires.Add(-29 * 24 * time.Hour)
	st, exp, err := svc.Summary(ctx)
	require.NoError(t, err)
	require.Equal(t, license.StatusExpiring, st)
	require.True(t, expires.Equal(*exp))
	require.NoError(t, svc.CheckUserLimit(ctx, q))

	// Expired: back to the evaluation limit, nobody disabled.
	now = expires.Add(time.Minute)
	in, err = svc.Current(ctx)
	require.NoError(t, err)
	require.Equal(t, license.StatusExpired, in.Status)
	require.Equal(t, 5, in.MaxUsers)
	require.Equal(t, int64(6), in.ActiveUsers)
	err = svc.CheckUserLimit(ctx, q)
	require.ErrorIs(t, err, domain.ErrConflict)
	require.ErrorContains(t, err, "license expired")

	// An expired key cannot be activated; the stored one stays.
	_, err = svc.Activate(ctx, issue(t, priv, 99, now.Add(-time.Hour)))
	require.ErrorIs(t, err, domain.ErrInvalid)
	require.ErrorContains(t, err, "expired on")
	in, err = svc.Current(ctx)
	require.NoError(t, err)
	require.Equal(t, "lic-1", in.Payload.ID)
	require.Equal(t, 10, in.Payload.MaxUsers)

	// Another public key: the stored key is not trusted, evaluation, no error.
	otherPub, _ := newKey(t)
	other := license.New(pool, otherPub, slog.New(slog.NewTextHandler(io.Discard, nil)))
	in, err = other.Current(ctx)
	require.NoError(t, err)
	require.Equal(t, license.StatusEvaluation, in.Status)
}
