package app_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/blob/blobtest"
	"github.com/kodera-packages/kodera/internal/db"
)

// TestObjectStoreOutage stops the S3 store under a node (its own process)
// while four clients upload and download: every request is answered
// within seconds, 503 with Retry-After while the store is away (never
// 500, never hanging), the node turns not ready; once the store is back
// the node serves again within 5 s on its own. No upload leaves a row
// without content (fsck), a refused one reads back whole or not at all,
// and the node's goroutines and RSS come back near their baseline.
func TestObjectStoreOutage(t *testing.T) {
	t.Parallel()
	s3 := blobtest.StartS3Server(t)
	p := apptest.StartProcess(t, apptest.ProcessOptions{Env: []string{
		"STORAGE_URL=" + s3.Config.Endpoint, "STORAGE_BUCKET=" + s3.Config.Bucket,
		"STORAGE_AK=" + s3.Config.AccessKey, "STORAGE_SK=" + s3.Config.SecretKey,
	}})
	seed := p.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("rel", "files", "private", "alice")
	token := seed.Token("alice", false, nil)
	client := &http.Client{Timeout: 20 * time.Second}
	do := func(method, path, body string) (int, string, string) {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, p.URL+path, rd)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token)
		start := time.Now()
		resp, err := client.Do(req)
		require.NoError(t, err, "%s %s hung or failed", method, path)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Less(t, time.Since(start), 10*time.Second, "%s %s took too long", method, path)
		return resp.StatusCode, resp.Header.Get("Retry-After"), string(b)
	}

	s, _, _ := do(http.MethodPut, "/api/files/rel/a.txt", "before the outage")
	require.Equal(t, http.StatusCreated, s)
	goroutineBase, rssBase := goroutines(t, p.URL), p.Memory(t)["VmRSS"]

	l := startLoad(t, p.URL, token, "rel", 4)
	require.Eventually(t, func() bool { return len(l.snapshot()) >= 20 }, 30*time.Second, 20*time.Millisecond, "the load never got going")
	s3.Stop()
	down := time.Now()
	s, after, body := do(http.MethodGet, "/api/files/rel/a.txt", "")
	require.Equal(t, http.StatusServiceUnavailable, s, body)
	require.Equal(t, "5", after)
	s, after, body = do(http.MethodPut, "/api/files/rel/b.txt", "during the outage")
	require.Equal(t, http.StatusServiceUnavailable, s, body)
	require.Equal(t, "5", after)
	s, _, _ = do(http.MethodGet, "/readyz", "")
	require.Equal(t, http.StatusServiceUnavailable, s, "not ready without the store")
	s, _, body = do(http.MethodGet, "/api/v1/repositories/rel/files/details?path=b.txt", "")
	require.Equal(t, http.StatusNotFound, s, "a failed upload left a row: %s", body)
	l.waitFor(t, http.StatusServiceUnavailable, 10)

	s3.Start()
	back := time.Now()
	require.Eventually(t, func() bool {
		s, _, body := do(http.MethodGet, "/api/files/rel/a.txt", "")
		return s == http.StatusOK && body == "before the outage"
	}, 5*time.Second, 20*time.Millisecond, "downloads did not come back within 5 s of the store")
	served := time.Since(back)
	l.waitFor(t, http.StatusCreated, 20) // uploads under load again
	outcomes := l.Stop()
	counts, recovered := summarize(t, outcomes, back)
	t.Logf("store down %v; %d requests: %v; serving again %v after the store came back, last 503 ended %v after",
		back.Sub(down).Round(time.Millisecond), len(outcomes), counts, served.Round(time.Millisecond), recovered.Round(time.Millisecond))

	s, _, _ = do(http.MethodPut, "/api/files/rel/b.txt", "after the outage")
	require.Equal(t, http.StatusCreated, s)
	s, _, _ = do(http.MethodGet, "/readyz", "")
	require.Equal(t, http.StatusOK, s)

	ctx := context.Background()
	pool, err := db.Open(ctx, p.DBURL)
	require.NoError(t, err)
	defer pool.Close()
	driver, err := blob.NewS3(ctx, s3.Config)
	require.NoError(t, err)
	checkNoHalfWrites(t, p.URL, token, outcomes, pool, blob.NewStore(driver))
	client.CloseIdleConnections()
	settles(t, p, goroutineBase, rssBase)
}
