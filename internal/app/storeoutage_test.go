package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/blob/blobtest"
)

// TestObjectStoreOutage stops the S3 store under a serving node: downloads
// and uploads answer 503 with Retry-After within seconds (never 500, never
// hanging), an upload that failed leaves no row, the node turns not ready;
// once the store is back the same requests succeed, on their own.
func TestObjectStoreOutage(t *testing.T) {
	t.Parallel()
	s3 := blobtest.StartS3Server(t)
	n := apptest.Start(t, apptest.Options{Env: map[string]string{
		"STORAGE_URL": s3.Config.Endpoint, "STORAGE_BUCKET": s3.Config.Bucket,
		"STORAGE_AK": s3.Config.AccessKey, "STORAGE_SK": s3.Config.SecretKey,
	}})
	seed := n.Seed(t)
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
		req, err := http.NewRequest(method, n.URL+path, rd)
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

	s3.Stop()
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

	s3.Start()
	require.Eventually(t, func() bool {
		s, _, body := do(http.MethodGet, "/api/files/rel/a.txt", "")
		return s == http.StatusOK && body == "before the outage"
	}, 10*time.Second, 50*time.Millisecond, "downloads did not come back with the store")
	s, _, _ = do(http.MethodPut, "/api/files/rel/b.txt", "after the outage")
	require.Equal(t, http.StatusCreated, s)
	s, _, _ = do(http.MethodGet, "/readyz", "")
	require.Equal(t, http.StatusOK, s)
}
