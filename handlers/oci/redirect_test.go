package oci_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/blob/blobtest"
)

// TestStorageRedirect: with KODERA_STORAGE_REDIRECT=true on an S3 store, an
// OCI blob GET and a raw file GET answer 307 to a presigned URL of the
// store, which serves the content (and ranges) without credentials; HEAD
// and the manifest are still answered by the node.
func TestStorageRedirect(t *testing.T) {
	t.Parallel()
	cfg := blobtest.StartS3(t)
	node := apptest.Start(t, apptest.Options{Env: map[string]string{
		"STORAGE_URL": cfg.Endpoint, "STORAGE_BUCKET": cfg.Bucket, "STORAGE_AK": cfg.AccessKey, "STORAGE_SK": cfg.SecretKey,
		"KODERA_STORAGE_REDIRECT": "true",
	}})
	seed := node.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("apps", "docker", "private", "alice")
	seed.Repo("raw", "files", "private", "alice")
	c := &client{t: t, base: node.URL, user: "alice", pass: "alice-password-123"}
	layer := bytes.Repeat([]byte("layer-"), 1000)
	img := c.pushImage("apps/img", "v1", layer)

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(url, rng string, basic bool) *http.Response {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		require.NoError(t, err)
		if basic {
			req.SetBasicAuth("alice", "alice-password-123")
		}
		if rng != "" {
			req.Header.Set("Range", rng)
		}
		resp, err := noFollow.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	body := func(resp *http.Response) string {
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(b)
	}

	resp := get(node.URL+"/v2/apps/img/blobs/"+img.Layer, "", true)
	require.Equal(t, http.StatusTemporaryRedirect, resp.StatusCode, body(resp))
	loc := resp.Header.Get("Location")
	require.True(t, strings.HasPrefix(loc, cfg.Endpoint+"/"), loc)
	require.Contains(t, loc, "X-Amz-Signature=")
	require.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	direct := get(loc, "", false)
	require.Equal(t, http.StatusOK, direct.StatusCode)
	require.Equal(t, string(layer), body(direct))
	ranged := get(loc, "bytes=6-11", false)
	require.Equal(t, http.StatusPartialContent, ranged.StatusCode)
	require.Equal(t, "layer-", body(ranged))

	// HEAD and manifests stay on the node.
	resp = c.do("HEAD", "/v2/apps/img/blobs/"+img.Layer, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	resp = get(node.URL+"/v2/apps/img/manifests/v1", "", true)
	require.Equal(t, http.StatusOK, resp.StatusCode)

	// Raw files take the same path.
	resp = c.do("PUT", "/api/files/raw/a/b.txt", nil, []byte("hello redirect"))
	require.Equal(t, http.StatusCreated, resp.StatusCode, readAll(resp))
	resp = get(node.URL+"/api/files/raw/a/b.txt", "", true)
	require.Equal(t, http.StatusTemporaryRedirect, resp.StatusCode, body(resp))
	require.Equal(t, "hello redirect", body(get(resp.Header.Get("Location"), "", false)))
	// Unauthenticated, the node still challenges: no URL leaks.
	resp = get(node.URL+"/api/files/raw/a/b.txt", "", false)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	require.Empty(t, resp.Header.Get("Location"))
}
