package oci_test

import (
	"bytes"
	"crypto/rand"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/blob/blobtest"
	"github.com/kodera-packages/kodera/internal/testtool"
)

// stores starts a node on each blob backend and returns it with a driver
// onto the same storage, to look at what the node left there.
var stores = map[string]func(t *testing.T) (*apptest.Node, blob.Driver){
	"fs": func(t *testing.T) (*apptest.Node, blob.Driver) {
		node := apptest.Start(t, apptest.Options{})
		d, err := blob.NewFS(filepath.Join(node.DataDir, "blobs"))
		require.NoError(t, err)
		return node, d
	},
	"s3": func(t *testing.T) (*apptest.Node, blob.Driver) {
		cfg := blobtest.StartS3(t)
		node := apptest.Start(t, apptest.Options{Env: map[string]string{
			"STORAGE_URL": cfg.Endpoint, "STORAGE_BUCKET": cfg.Bucket, "STORAGE_AK": cfg.AccessKey, "STORAGE_SK": cfg.SecretKey,
		}})
		d, err := blob.NewS3(t.Context(), cfg)
		require.NoError(t, err)
		return node, d
	},
}

// TestUploadShapes pushes a blob in each shape real clients use (podman,
// skopeo and crane send POST, one PATCH with the whole body and no
// Content-Range, then PUT ?digest=) on each backend and reads it back.
func TestUploadShapes(t *testing.T) {
	for name, start := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			node, store := start(t)
			seed := node.Seed(t)
			seed.User("alice", "alice-password-123", false)
			seed.Repo("apps", "docker", "private", "alice")
			c := &client{t: t, base: node.URL, user: "alice", pass: "alice-password-123"}
			shapes := map[string]func(data []byte, digest string){
				"patch all then put": func(data []byte, digest string) {
					resp := c.do("POST", "/v2/apps/img/blobs/uploads/", nil, nil)
					require.Equal(t, http.StatusAccepted, resp.StatusCode, readAll(resp))
					resp = c.do("PATCH", resp.Header.Get("Location"), map[string]string{"Content-Type": "application/octet-stream"}, data)
					require.Equal(t, http.StatusAccepted, resp.StatusCode, readAll(resp))
					resp = c.do("PUT", resp.Header.Get("Location")+"?digest="+digest, nil, nil)
					require.Equal(t, http.StatusCreated, resp.StatusCode, readAll(resp))
				},
				"two patches then put": func(data []byte, digest string) {
					resp := c.do("POST", "/v2/apps/img/blobs/uploads/", nil, nil)
					require.Equal(t, http.StatusAccepted, resp.StatusCode, readAll(resp))
					resp = c.do("PATCH", resp.Header.Get("Location"), nil, data[:100])
					require.Equal(t, http.StatusAccepted, resp.StatusCode, readAll(resp))
					resp = c.do("PATCH", resp.Header.Get("Location"), nil, data[100:])
					require.Equal(t, http.StatusAccepted, resp.StatusCode, readAll(resp))
					resp = c.do("PUT", resp.Header.Get("Location")+"?digest="+digest, nil, nil)
					require.Equal(t, http.StatusCreated, resp.StatusCode, readAll(resp))
				},
				"post then put": func(data []byte, digest string) {
					resp := c.do("POST", "/v2/apps/img/blobs/uploads/", nil, nil)
					require.Equal(t, http.StatusAccepted, resp.StatusCode, readAll(resp))
					resp = c.do("PUT", resp.Header.Get("Location")+"?digest="+digest, nil, data)
					require.Equal(t, http.StatusCreated, resp.StatusCode, readAll(resp))
				},
			}
			for shape, push := range shapes {
				data := make([]byte, 1000)
				_, _ = rand.Read(data)
				digest := digestOf(data)
				push(data, digest)
				resp := c.do("GET", "/v2/apps/img/blobs/"+digest, nil, nil)
				require.Equal(t, http.StatusOK, resp.StatusCode, shape)
				require.True(t, bytes.Equal(data, []byte(readAll(resp))), shape)
			}
			// Finished uploads leave nothing under uploads/: every blob sits
			// where finished blobs live.
			require.NoError(t, store.List(t.Context(), "uploads/", func(i blob.Info) error {
				t.Errorf("left behind: %s", i.Key)
				return nil
			}))
			if fi, err := os.Stat(filepath.Join(node.DataDir, "blobs", "uploads")); err == nil && fi.IsDir() {
				entries, err := os.ReadDir(filepath.Join(node.DataDir, "blobs", "uploads"))
				require.NoError(t, err)
				require.Empty(t, entries, "empty upload directories left behind")
			}
		})
	}
}

// TestCraneS3 pushes and pulls an image with crane on an S3-backed node.
func TestCraneS3(t *testing.T) {
	node, _ := stores["s3"](t)
	seed := node.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("apps", "docker", "private", "alice")
	token := seed.Token("alice", false, []string{"write"})
	home := t.TempDir()
	env := []string{"HOME=" + home, "DOCKER_CONFIG=" + filepath.Join(home, ".docker")}
	crane := testtool.Path(t, "crane")
	dir := t.TempDir()
	run(t, dir, env, crane, "auth", "login", node.Addr, "-u", "alice", "-p", token)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "layer.tar"), layerTar(t, "hello", "hello from s3"), 0o644))
	run(t, dir, env, crane, "append", "--insecure", "-f", "layer.tar", "-t", node.Addr+"/apps/hello:v1")
	run(t, dir, env, crane, "pull", "--insecure", node.Addr+"/apps/hello:v1", "out.tar")
	run(t, dir, env, crane, "export", "--insecure", node.Addr+"/apps/hello:v1", "fs.tar")
	fi, err := os.Stat(filepath.Join(dir, "fs.tar"))
	require.NoError(t, err)
	require.Greater(t, fi.Size(), int64(0))
}

// TestBlobContentMissing: a blob whose object the store lost answers a
// clean BLOB_UNKNOWN, without the blob's headers or a truncated body, and
// the loss is logged as an error.
func TestBlobContentMissing(t *testing.T) {
	for name, start := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			node, store := start(t)
			seed := node.Seed(t)
			seed.User("alice", "alice-password-123", false)
			seed.Repo("apps", "docker", "private", "alice")
			c := &client{t: t, base: node.URL, user: "alice", pass: "alice-password-123"}
			digest := c.pushBlob("apps/img", []byte("soon to be lost"))
			var keys []string
			require.NoError(t, store.List(t.Context(), "", func(i blob.Info) error {
				keys = append(keys, i.Key)
				return nil
			}))
			require.Len(t, keys, 1)
			require.NoError(t, store.Delete(t.Context(), keys[0]))

			for _, hdr := range []map[string]string{nil, {"Range": "bytes=2-5"}} {
				resp := c.do("GET", "/v2/apps/img/blobs/"+digest, hdr, nil)
				body := readAll(resp)
				require.Equal(t, http.StatusNotFound, resp.StatusCode, body)
				require.Contains(t, body, "BLOB_UNKNOWN")
				require.Empty(t, resp.Header.Get("Docker-Content-Digest"))
				require.Empty(t, resp.Header.Get("Cache-Control"))
				require.Empty(t, resp.Header.Get("Content-Range"))
				require.NotEqual(t, "15", resp.Header.Get("Content-Length"))
			}
			// HEAD agrees, so a client pushes the blob again...
			resp := c.do("HEAD", "/v2/apps/img/blobs/"+digest, nil, nil)
			readAll(resp)
			require.Equal(t, http.StatusNotFound, resp.StatusCode)
			require.Empty(t, resp.Header.Get("Docker-Content-Digest"))
			// ...which repairs it.
			require.Equal(t, digest, c.pushBlob("apps/img", []byte("soon to be lost")))
			resp = c.do("GET", "/v2/apps/img/blobs/"+digest, nil, nil)
			require.Equal(t, "soon to be lost", readAll(resp))
			require.Contains(t, node.Logs(), "blob content missing")
		})
	}
}
