package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app"
	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// do sends an authenticated request to the node and returns the status.
func do(t *testing.T, n *apptest.Node, method, path, body string) int {
	t.Helper()
	req, err := http.NewRequest(method, n.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.SetBasicAuth(apptest.AdminUser, apptest.AdminPassword)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func contentPath(n *apptest.Node, content string) string {
	sum := sha256.Sum256([]byte(content))
	h := hex.EncodeToString(sum[:])
	return filepath.Join(n.DataDir, "blobs", "blobs", "sha256", h[:2], h)
}

// TestGCCommand: `kodera gc --dry-run`, `kodera gc` and `kodera fsck` end
// to end, with the environment `serve` reads: a file deleted over HTTP is
// reported, then reclaimed (row and bytes), while the kept file still
// downloads; fsck then reports an object no row names.
func TestGCCommand(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{Env: map[string]string{"KODERA_GC_INTERVAL": "0"}})
	n.Seed(t).Repo("f", "files", "public", apptest.AdminUser)
	const gone, kept = "a file that is deleted", "a file that stays"
	require.Equal(t, http.StatusCreated, do(t, n, http.MethodPut, "/api/files/f/gone.txt", gone))
	require.Equal(t, http.StatusCreated, do(t, n, http.MethodPut, "/api/files/f/kept.txt", kept))
	require.Equal(t, http.StatusNoContent, do(t, n, http.MethodDelete, "/api/files/f/gone.txt", ""))
	require.FileExists(t, contentPath(n, gone))

	run := func(args ...string) (string, error) {
		env := map[string]string{"KODERA_GC_GRACE": "0"}
		for k, v := range n.Env {
			if _, set := env[k]; !set {
				env[k] = v
			}
		}
		var out bytes.Buffer
		err := app.Run(context.Background(), append([]string{"kodera"}, args...), func(k string) string { return env[k] }, &out, app.Options{})
		return out.String(), err
	}

	out, err := run("gc", "--dry-run")
	require.NoError(t, err, out)
	require.Contains(t, out, "would reclaim: 1 blobs (22 bytes)")
	require.FileExists(t, contentPath(n, gone), "a dry run deletes nothing")

	out, err = run("gc")
	require.NoError(t, err, out)
	require.Contains(t, out, "reclaimed: 1 blobs (22 bytes)")
	require.NoFileExists(t, contentPath(n, gone))
	require.FileExists(t, contentPath(n, kept))
	require.Equal(t, http.StatusOK, do(t, n, http.MethodGet, "/api/files/f/kept.txt", ""))

	out, err = run("fsck")
	require.NoError(t, err, out)
	require.Contains(t, out, "checked 1 blobs rows and 1 stored objects: 0 missing, 0 orphaned")

	orphan := filepath.Join(n.DataDir, "blobs", "objects", "leftover")
	require.NoError(t, os.MkdirAll(filepath.Dir(orphan), 0o755))
	require.NoError(t, os.WriteFile(orphan, []byte("no row"), 0o644))
	require.NoError(t, os.Remove(contentPath(n, kept)))
	out, err = run("fsck")
	require.NoError(t, err, out)
	require.Contains(t, out, "1 missing, 1 orphaned (6 bytes)")
	require.Contains(t, out, "orphan objects/leftover")

	_, err = run("gc", "--frobnicate")
	require.Error(t, err)
}

// TestGCBackgroundJob: a node with KODERA_GC_INTERVAL collects by itself.
func TestGCBackgroundJob(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{Env: map[string]string{"KODERA_GC_INTERVAL": "50ms", "KODERA_GC_GRACE": "1s"}})
	n.Seed(t).Repo("f", "files", "public", apptest.AdminUser)
	const gone = "reclaimed by the background job"
	require.Equal(t, http.StatusCreated, do(t, n, http.MethodPut, "/api/files/f/gone.txt", gone))
	require.Equal(t, http.StatusNoContent, do(t, n, http.MethodDelete, "/api/files/f/gone.txt", ""))
	require.Eventually(t, func() bool {
		_, err := os.Stat(contentPath(n, gone))
		return os.IsNotExist(err)
	}, 30*time.Second, 20*time.Millisecond, "the job never collected the deleted file")
}
