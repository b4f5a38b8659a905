package search_test

import (
	"context"
	"crypto/md5"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/search"
)

// benchWords make names of three words and a short hash, e.g.
// "nginx-proxy-tools-3fa1c2": a deliberately harsh corpus where each word
// appears in about 3% of the documents.
var benchWords = []string{
	"nginx", "proxy", "tools", "redis", "cache", "client", "server", "api", "core", "utils",
	"http", "json", "yaml", "config", "logger", "metrics", "auth", "token", "crypto", "hash",
	"image", "base", "alpine", "debian", "python", "golang", "node", "java", "rust", "build",
	"test", "mock", "fixture", "data", "stream", "queue", "worker", "scheduler", "cron", "job",
	"kube", "helm", "chart", "operator", "controller", "gateway", "router", "mesh", "sidecar", "agent",
	"web", "ui", "frontend", "backend", "service", "db", "postgres", "mysql", "mongo", "sqlite",
	"s3", "storage", "blob", "file", "upload", "download", "sync", "backup", "restore", "migrate",
	"parser", "lexer", "compiler", "vm", "runtime", "plugin", "extension", "sdk", "cli", "shell",
	"docs", "site", "theme", "template", "render", "markdown", "html", "css", "icons", "fonts",
	"math", "stats", "ml", "model", "train", "infer", "vision", "audio", "video", "text",
}

// BenchmarkPostgresSearch loads n documents (packages and files across
// 1,000 repositories, 10% public) with one INSERT ... SELECT and measures
// typical queries for an admin and for a user with three grants, reporting
// p50/p95/p99 in ms. Run: go test -run '^$' -bench PostgresSearch -benchtime 200x ./internal/search/
func BenchmarkPostgresSearch(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			ctx := context.Background()
			pool, _ := dbtest.NewPool(b)
			start := time.Now()
			_, err := pool.Exec(ctx, `
				INSERT INTO users (username) VALUES ('user');
				INSERT INTO repositories (name, type, visibility)
				SELECT 'repo-' || i, (ARRAY['docker','pypi','go','files'])[1 + i % 4],
				       CASE WHEN i % 10 = 0 THEN 'public' ELSE 'private' END
				FROM generate_series(1, 1000) i;
				INSERT INTO repository_permissions (repository_id, user_id, level)
				SELECT r.id, u.id, 'read' FROM repositories r, users u WHERE r.name IN ('repo-7', 'repo-13', 'repo-501');`)
			require.NoError(b, err)
			_, err = pool.Exec(ctx, `
				INSERT INTO search_documents (id, kind, repository_id, repository_name, repository_type, visibility,
				                              name, normalized_name, version, path, updated_at)
				SELECT CASE WHEN r.type = 'files' THEN 'f:' ELSE 'p:' END || g.i,
				       CASE WHEN r.type = 'files' THEN 'file' ELSE 'package' END,
				       r.id, r.name, r.type, r.visibility, g.nm, g.nm, '1.0',
				       CASE WHEN r.type = 'files' THEN 'releases/' || (g.i % 97) || '/' || g.nm ELSE '' END,
				       now()
				FROM (SELECT i, w[1 + get_byte(h, 0) % 100] || '-' || w[1 + get_byte(h, 1) % 100] || '-' ||
				             w[1 + get_byte(h, 2) % 100] || '-' || substr(encode(h, 'hex'), 7, 6) AS nm
				      FROM (SELECT i, decode(md5(i::text), 'hex') AS h, $2::text[] AS w
				            FROM generate_series(1, $1::int) i) s) g
				JOIN repositories r ON r.name = 'repo-' || (1 + g.i % 1000)`, n, benchWords)
			require.NoError(b, err)
			_, err = pool.Exec(ctx, `ANALYZE search_documents`)
			require.NoError(b, err)
			// The index build time: one INSERT ... SELECT maintaining every index.
			b.Logf("loaded %d documents with their indexes in %s", n, time.Since(start).Round(time.Millisecond))

			var userID int64
			require.NoError(b, pool.QueryRow(ctx, `SELECT id FROM users WHERE username = 'user'`).Scan(&userID))
			idx := search.NewPostgres(pool)
			principals := map[string]auth.Visible{
				"admin": {All: true},
				"user":  {Public: true, UserID: &userID},
			}
			queries := map[string]string{
				"exact":     "nginx",
				"prefix":    "ngin",
				"word":      "proxy-tools",
				"substring": "inx-prox",
				"fuzzy":     "ngimx",
				"rare":      substrMD5(n / 2),
				"selective": "nginx-proxy-tools",
				"short":     "ng",
			}
			for _, pn := range []string{"admin", "user"} {
				for _, qn := range []string{"exact", "prefix", "word", "substring", "selective", "fuzzy", "rare", "short"} {
					b.Run(pn+"/"+qn, func(b *testing.B) {
						o := search.Options{Query: queries[qn], Visible: principals[pn], Limit: 50}
						lat := make([]time.Duration, 0, b.N)
						var total int
						for b.Loop() {
							t := time.Now()
							res, err := idx.Search(ctx, o)
							lat = append(lat, time.Since(t))
							require.NoError(b, err)
							total = res.Total
						}
						slices.Sort(lat)
						pct := func(p float64) float64 {
							return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))].Microseconds()) / 1000
						}
						b.ReportMetric(pct(0.50), "p50-ms")
						b.ReportMetric(pct(0.95), "p95-ms")
						b.ReportMetric(pct(0.99), "p99-ms")
						b.ReportMetric(float64(total), "hits")
					})
				}
			}
		})
	}
}

// substrMD5 is the hash part of document i's name, a query matching about one name.
func substrMD5(i int) string {
	return fmt.Sprintf("%x", md5.Sum([]byte(fmt.Sprint(i))))[6:12]
}
