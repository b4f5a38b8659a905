//go:build elasticsearch

// The conformance suite against a real Elasticsearch 7 cluster. It is not
// part of the default test run (no cluster runs here); run it with
//
//	ELASTICSEARCH_URL=http://localhost:9200 go test -tags elasticsearch -run TestElasticConformance ./internal/search/
//
// (ELASTICSEARCH_USERNAME/PASSWORD if the cluster needs them). Each subtest
// uses its own alias and indices and deletes them after.
package search_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/elastic/go-elasticsearch/v7"
	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/search"
	"github.com/kodera-packages/kodera/internal/search/searchtest"
)

func TestElasticConformance(t *testing.T) {
	url := os.Getenv("ELASTICSEARCH_URL")
	require.NotEmpty(t, url, "the elasticsearch tag needs ELASTICSEARCH_URL")
	user, pass := os.Getenv("ELASTICSEARCH_USERNAME"), os.Getenv("ELASTICSEARCH_PASSWORD")
	t.Parallel()
	searchtest.Run(t, func(t *testing.T) searchtest.Backend {
		pool, _ := dbtest.NewPool(t)
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		alias := "kodera-test-" + hex.EncodeToString(b)
		ctx := context.Background()
		e, err := search.NewElastic(ctx, search.ElasticConfig{URL: url, Username: user, Password: pass, Alias: alias}, pool)
		require.NoError(t, err)
		t.Cleanup(func() {
			es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{url}, Username: user, Password: pass})
			if err != nil {
				return
			}
			if res, err := es.Indices.Delete([]string{alias + "-*"}); err == nil {
				res.Body.Close()
			}
			if res, err := es.Indices.DeleteIndexTemplate(alias); err == nil {
				res.Body.Close()
			}
		})
		return searchtest.Backend{Index: e, Pool: pool, Refresh: func(t *testing.T) {
			require.NoError(t, e.Refresh(context.Background()))
		}}
	})
}
