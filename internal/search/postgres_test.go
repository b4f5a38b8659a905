package search_test

import (
	"testing"

	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/search"
	"github.com/kodera-packages/kodera/internal/search/searchtest"
)

func TestPostgresConformance(t *testing.T) {
	t.Parallel()
	searchtest.Run(t, func(t *testing.T) searchtest.Backend {
		pool, _ := dbtest.NewPool(t)
		return searchtest.Backend{Index: search.NewPostgres(pool), Pool: pool}
	})
}
