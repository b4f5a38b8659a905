package search_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/search"
)

// TestPendingIndex: while the backend cannot be opened every call is
// ErrUnavailable; once an attempt succeeds calls reach the opened index.
func TestPendingIndex(t *testing.T) {
	t.Parallel()
	pool, _ := dbtest.NewPool(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	attempts := make(chan error) // each attempt takes its outcome from here
	p := search.OpenInBackground(ctx, func(context.Context) (search.Index, error) {
		if err := <-attempts; err != nil {
			return nil, err
		}
		return search.NewPostgres(pool), nil
	}, time.Millisecond, slog.New(slog.DiscardHandler))
	o := search.Options{Query: "x", Visible: auth.Visible{All: true}}

	_, err := p.Search(ctx, o)
	require.ErrorIs(t, err, domain.ErrUnavailable)
	attempts <- errors.New("connection refused")
	attempts <- errors.New("connection refused") // the first failure was recorded before this retry
	_, err = p.Search(ctx, o)
	require.ErrorIs(t, err, domain.ErrUnavailable)
	require.ErrorContains(t, err, "connection refused")
	require.ErrorIs(t, p.Upsert(ctx, nil), domain.ErrUnavailable)

	attempts <- nil
	require.Eventually(t, func() bool {
		_, err := p.Search(ctx, o)
		return err == nil
	}, 10*time.Second, time.Millisecond)
	require.NoError(t, p.Delete(ctx, []string{"r:1"}))
}
