//go:build linux

package registry_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/registry"
)

// TestKilledNodeUploadResumes kills (SIGKILL) a kodera process while it
// writes a chunk of an OCI upload, then resumes the session on another
// node sharing the database and the filesystem store: the session reports
// the offset before the lost chunk, a chunk sent while the dead node's
// lease still holds gets a 416 that says why and until when, and within
// the lease TTL the chunk is accepted and the upload finishes intact.
func TestKilledNodeUploadResumes(t *testing.T) {
	t.Parallel()
	dbURL := dbtest.New(t)
	dir := t.TempDir()
	a := apptest.StartProcess(t, apptest.ProcessOptions{DBURL: dbURL, DataDir: dir})
	b := apptest.Start(t, apptest.Options{DBURL: dbURL, DataDir: dir})

	data := make([]byte, 3<<20)
	_, _ = rand.Read(data)
	sum := sha256.Sum256(data)
	digest := "sha256:" + hex.EncodeToString(sum[:])
	const chunk = 1 << 20

	seed := b.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("crash", "docker", "private", "alice")
	token := seed.Token("alice", false, []string{"write"})
	do := func(method, base, loc string, hdr map[string]string, body io.Reader, size int64) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, base+loc, body)
		require.NoError(t, err)
		req.ContentLength = size
		req.SetBasicAuth("alice", token)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		return resp
	}
	text := func(resp *http.Response) string {
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}

	resp := do("POST", a.URL, "/v2/crash/img/blobs/uploads/", nil, nil, 0)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, text(resp))
	text(resp)
	loc := resp.Header.Get("Location")
	id := resp.Header.Get("Docker-Upload-UUID")
	resp = do("PATCH", a.URL, loc, map[string]string{"Content-Range": fmt.Sprintf("0-%d", chunk-1)}, bytes.NewReader(data[:chunk]), chunk)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, text(resp))
	text(resp)

	// The second chunk starts streaming to a, which dies halfway through.
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	go func() {
		req, err := http.NewRequest("PATCH", a.URL+loc, pr)
		if err != nil {
			return
		}
		req.ContentLength = chunk
		req.SetBasicAuth("alice", token)
		req.Header.Set("Content-Range", fmt.Sprintf("%d-%d", chunk, 2*chunk-1))
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	go func() { _, _ = pw.Write(data[chunk : chunk+chunk/2]) }()
	staged := filepath.Join(dir, "blobs", "uploads", id)
	require.Eventually(t, func() bool {
		fi, err := os.Stat(staged)
		return err == nil && fi.Size() > chunk
	}, 30*time.Second, 10*time.Millisecond, "the second chunk never reached the store")
	a.Kill(t)

	// The session reports what can be resumed: the first chunk.
	resp = do("GET", b.URL, loc, nil, nil, 0)
	require.Equal(t, http.StatusNoContent, resp.StatusCode, text(resp))
	text(resp)
	require.Equal(t, fmt.Sprintf("0-%d", chunk-1), resp.Header.Get("Range"))

	// Until the dead node's lease runs out, a chunk is refused with a reason.
	patch := func() *http.Response {
		return do("PATCH", b.URL, loc, map[string]string{"Content-Range": fmt.Sprintf("%d-%d", chunk, 2*chunk-1)}, bytes.NewReader(data[chunk:2*chunk]), chunk)
	}
	start := time.Now()
	resp = patch()
	body := text(resp)
	require.Equal(t, http.StatusRequestedRangeNotSatisfiable, resp.StatusCode, body)
	require.Contains(t, body, "another request is writing to this upload")
	require.Contains(t, body, fmt.Sprintf("retry at offset %d", chunk))
	require.Equal(t, fmt.Sprintf("0-%d", chunk-1), resp.Header.Get("Range"))

	// So is the final PUT: the session is busy, not unknown.
	resp = do("PUT", b.URL, loc+"?digest="+url.QueryEscape(digest), nil, nil, 0)
	body = text(resp)
	require.Equal(t, http.StatusRequestedRangeNotSatisfiable, resp.StatusCode, body)
	require.NotContains(t, body, "BLOB_UPLOAD_UNKNOWN")
	require.Contains(t, body, "another request is writing to this upload")

	var accepted *http.Response
	require.Eventually(t, func() bool {
		resp := patch()
		if resp.StatusCode == http.StatusAccepted {
			accepted = resp
			text(resp)
			return true
		}
		body := text(resp)
		require.Equal(t, http.StatusRequestedRangeNotSatisfiable, resp.StatusCode, body)
		return false
	}, registry.LeaseTTL+15*time.Second, 250*time.Millisecond, "the session stayed locked")
	t.Logf("resumed on another node %s after the kill", time.Since(start).Round(100*time.Millisecond))
	require.Equal(t, fmt.Sprintf("0-%d", 2*chunk-1), accepted.Header.Get("Range"))

	resp = do("PUT", b.URL, accepted.Header.Get("Location")+"?digest="+url.QueryEscape(digest), nil, bytes.NewReader(data[2*chunk:]), int64(len(data)-2*chunk))
	require.Equal(t, http.StatusCreated, resp.StatusCode, text(resp))
	text(resp)
	resp = do("GET", b.URL, "/v2/crash/img/blobs/"+digest, nil, nil, 0)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.True(t, bytes.Equal(data, got), "the resumed blob differs from what was sent")
}
