package oci_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/blob/blobtest"
	"github.com/kodera-packages/kodera/internal/dbtest"
)

// TestChunkedUploadAcrossNodes begins a chunked upload on one node and
// finishes it on another sharing the database and the store, once on the
// filesystem store and once on S3; a delete on one node is visible on the
// other at once.
func TestChunkedUploadAcrossNodes(t *testing.T) {
	stores := map[string]func(t *testing.T) (string, map[string]string){
		"fs": func(t *testing.T) (string, map[string]string) { return t.TempDir(), nil },
		"s3": func(t *testing.T) (string, map[string]string) {
			cfg := blobtest.StartS3(t)
			return t.TempDir(), map[string]string{"STORAGE_URL": cfg.Endpoint, "STORAGE_BUCKET": cfg.Bucket, "STORAGE_AK": cfg.AccessKey, "STORAGE_SK": cfg.SecretKey}
		},
	}
	for name, store := range stores {
		t.Run(name, func(t *testing.T) {
			dbURL := dbtest.New(t)
			dir, env := store(t)
			a := apptest.Start(t, apptest.Options{DBURL: dbURL, DataDir: dir, Env: env})
			b := apptest.Start(t, apptest.Options{DBURL: dbURL, DataDir: dir, Env: env})
			seed := a.Seed(t)
			seed.User("alice", "alice-password-123", false)
			seed.Repo("multi", "docker", "private", "alice")
			token := seed.Token("alice", false, []string{"write"})
			ca := &client{t: t, base: a.URL, user: "alice", pass: token}
			cb := &client{t: t, base: b.URL, user: "alice", pass: token}

			data := make([]byte, 3<<20+123)
			_, _ = rand.Read(data)
			digest := digestOf(data)
			chunks := [][]byte{data[:1<<20], data[1<<20 : 2<<20], data[2<<20:]}

			resp := ca.do("POST", "/v2/multi/img/blobs/uploads/", nil, nil)
			require.Equal(t, http.StatusAccepted, resp.StatusCode, readAll(resp))
			loc := resp.Header.Get("Location")
			offset := 0
			for i, chunk := range chunks[:2] {
				c := []*client{ca, cb}[i]
				resp = c.do("PATCH", loc, map[string]string{
					"Content-Type":  "application/octet-stream",
					"Content-Range": fmt.Sprintf("%d-%d", offset, offset+len(chunk)-1),
				}, chunk)
				require.Equal(t, http.StatusAccepted, resp.StatusCode, readAll(resp))
				offset += len(chunk)
				require.Equal(t, fmt.Sprintf("0-%d", offset-1), resp.Header.Get("Range"))
				loc = resp.Header.Get("Location")
			}
			// Either node reports the progress.
			resp = ca.do("GET", loc, nil, nil)
			require.Equal(t, http.StatusNoContent, resp.StatusCode)
			require.Equal(t, fmt.Sprintf("0-%d", offset-1), resp.Header.Get("Range"))
			// An out-of-order chunk is refused with 416.
			resp = ca.do("PATCH", loc, map[string]string{"Content-Range": "0-9"}, data[:10])
			require.Equal(t, http.StatusRequestedRangeNotSatisfiable, resp.StatusCode)
			// The last chunk and the digest go to the second node.
			resp = cb.do("PUT", loc+"?digest="+digest, map[string]string{
				"Content-Type":  "application/octet-stream",
				"Content-Range": fmt.Sprintf("%d-%d", offset, len(data)-1),
			}, chunks[2])
			require.Equal(t, http.StatusCreated, resp.StatusCode, readAll(resp))
			require.Equal(t, digest, resp.Header.Get("Docker-Content-Digest"))

			for _, c := range []*client{ca, cb} {
				resp = c.do("GET", "/v2/multi/img/blobs/"+digest, nil, nil)
				require.Equal(t, http.StatusOK, resp.StatusCode)
				got := readAll(resp)
				require.True(t, bytes.Equal(data, []byte(got)), "blob differs")
			}
			// A delete on one node is visible on the other at once.
			resp = cb.do("DELETE", "/v2/multi/img/blobs/"+digest, nil, nil)
			require.Equal(t, http.StatusAccepted, resp.StatusCode)
			resp = ca.do("HEAD", "/v2/multi/img/blobs/"+digest, nil, nil)
			require.Equal(t, http.StatusNotFound, resp.StatusCode)
		})
	}
}

// TestSameBlobPushedAtOnceOnTwoNodes: CI runners pushing images that share
// a base layer send the same blob to several nodes at the same moment.
// Every push succeeds (none is "not found" or a 500 because another
// committed the blob row meanwhile), and the blob reads back whole from
// both nodes; once on the filesystem store and once on S3.
func TestSameBlobPushedAtOnceOnTwoNodes(t *testing.T) {
	stores := map[string]func(t *testing.T) (string, map[string]string){
		"fs": func(t *testing.T) (string, map[string]string) { return t.TempDir(), nil },
		"s3": func(t *testing.T) (string, map[string]string) {
			cfg := blobtest.StartS3(t)
			return t.TempDir(), map[string]string{"STORAGE_URL": cfg.Endpoint, "STORAGE_BUCKET": cfg.Bucket, "STORAGE_AK": cfg.AccessKey, "STORAGE_SK": cfg.SecretKey}
		},
	}
	for name, store := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dbURL := dbtest.New(t)
			dir, env := store(t)
			a := apptest.Start(t, apptest.Options{DBURL: dbURL, DataDir: dir, Env: env})
			b := apptest.Start(t, apptest.Options{DBURL: dbURL, DataDir: dir, Env: env})
			seed := a.Seed(t)
			seed.User("alice", "alice-password-123", false)
			seed.Repo("shared", "docker", "private", "alice")
			token := seed.Token("alice", false, []string{"write"})
			clients := []*client{{t: t, base: a.URL, user: "alice", pass: token}, {t: t, base: b.URL, user: "alice", pass: token}}

			data := make([]byte, 1<<20+7)
			_, _ = rand.Read(data)
			digest := digestOf(data)
			const pushes = 8
			codes := make([]int, pushes)
			bodies := make([]string, pushes)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range pushes {
				wg.Go(func() {
					<-start
					c := clients[i%2]
					image := fmt.Sprintf("/v2/shared/img%d/blobs/uploads/?digest=%s", i, digest)
					resp := c.do("POST", image, map[string]string{"Content-Type": "application/octet-stream"}, data)
					codes[i], bodies[i] = resp.StatusCode, readAll(resp)
				})
			}
			close(start)
			wg.Wait()
			for i := range pushes {
				require.Equal(t, http.StatusCreated, codes[i], "push %d: %s", i, bodies[i])
			}
			for i, c := range clients {
				resp := c.do("GET", fmt.Sprintf("/v2/shared/img%d/blobs/%s", i, digest), nil, nil)
				require.Equal(t, http.StatusOK, resp.StatusCode)
				require.True(t, bytes.Equal(data, []byte(readAll(resp))), "blob differs on node %d", i)
			}
		})
	}
}
