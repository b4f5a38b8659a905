package repository_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/repository"
)

// TestRepositoriesFeedSearch: create, update and delete each record the
// repository in the search outbox in their own transaction.
func TestRepositoriesFeedSearch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := dbtest.NewPool(t)
	outbox := func() (ids []int64) {
		rows, err := pool.Query(ctx, `SELECT repository_id FROM search_outbox WHERE kind = 'repository' ORDER BY id`)
		require.NoError(t, err)
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		require.NoError(t, err)
		return ids
	}
	repo, err := repository.CreateRepository(ctx, pool, repository.NewRepository{Name: "found", Type: repository.TypeFiles})
	require.NoError(t, err)
	require.Equal(t, []int64{repo.ID}, outbox())
	_, err = repository.CreateRepository(ctx, pool, repository.NewRepository{Name: "found", Type: repository.TypeFiles})
	require.ErrorIs(t, err, domain.ErrConflict)
	require.Len(t, outbox(), 1, "a failed create records nothing")
	public := repository.Public
	_, err = repository.UpdateRepository(ctx, pool, repo, repository.RepositoryChange{Visibility: &public})
	require.NoError(t, err)
	require.NoError(t, repository.DeleteRepository(ctx, pool, repo))
	require.Equal(t, []int64{repo.ID, repo.ID, repo.ID}, outbox())
}
