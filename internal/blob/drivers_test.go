package blob_test

import (
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/blob/blobtest"
)

// Each driver runs the same suites; only the constructor differs.

func TestFS(t *testing.T) {
	t.Parallel()
	newFS := func(t *testing.T) blob.Driver {
		t.Helper()
		d, err := blob.NewFS(t.TempDir())
		require.NoError(t, err)
		return d
	}
	runDriverSuite(t, newFS)
	runStoreSuite(t, newFS)
	t.Run("Mover", func(t *testing.T) { t.Parallel(); testMover(t, newFS(t)) })
}

func TestS3(t *testing.T) {
	t.Parallel()
	// One server for the whole run, a fresh bucket per test: starting a
	// server is cheap, but a bucket is cheaper.
	cfg := blobtest.StartS3(t)
	var n atomic.Int64
	newS3 := func(t *testing.T) blob.Driver {
		t.Helper()
		c := cfg
		c.Bucket = fmt.Sprintf("%s-%d", cfg.Bucket, n.Add(1))
		d, err := blob.NewS3(t.Context(), c)
		require.NoError(t, err)
		return d
	}
	runDriverSuite(t, newS3)
	runStoreSuite(t, newS3)
	t.Run("Presigner", func(t *testing.T) { t.Parallel(); testPresigner(t, newS3(t)) })
	t.Run("SweepMultipart", func(t *testing.T) {
		t.Parallel()
		c := cfg
		c.Bucket = fmt.Sprintf("%s-%d", cfg.Bucket, n.Add(1))
		testSweepMultipart(t, c)
	})
}

// testSweepMultipart: an incomplete multipart upload (what a Put whose
// process died leaves on S3) is aborted once idle since the cutoff; one
// that began before the cutoff but got a part since is live and kept.
func testSweepMultipart(t *testing.T, cfg blob.S3Config) {
	ctx := t.Context()
	d, err := blob.NewS3(ctx, cfg)
	require.NoError(t, err)
	u, err := url.Parse(cfg.Endpoint)
	require.NoError(t, err)
	client, err := minio.New(u.Host, &minio.Options{
		Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""), Region: cfg.Region, BucketLookup: minio.BucketLookupPath,
	})
	require.NoError(t, err)
	core := minio.Core{Client: client}
	id, err := core.NewMultipartUpload(ctx, cfg.Bucket, "objects/crashed", minio.PutObjectOptions{})
	require.NoError(t, err)
	var initiated, last time.Time
	for mu := range client.ListIncompleteUploads(ctx, cfg.Bucket, "objects/crashed", true) {
		require.NoError(t, mu.Err)
		initiated = mu.Initiated
	}
	require.False(t, initiated.IsZero(), "the server lists no incomplete upload")
	// Parts until one is dated after the upload began (dates have whole
	// seconds on some servers).
	part := 1
	require.Eventually(t, func() bool {
		_, err := core.PutObjectPart(ctx, cfg.Bucket, "objects/crashed", id, part, strings.NewReader("part"), 4, minio.PutObjectPartOptions{})
		require.NoError(t, err)
		part++
		res, err := core.ListObjectParts(ctx, cfg.Bucket, "objects/crashed", id, 0, 1000)
		require.NoError(t, err)
		for _, p := range res.ObjectParts {
			if p.LastModified.After(last) {
				last = p.LastModified
			}
		}
		return last.After(initiated)
	}, 10*time.Second, 50*time.Millisecond)

	removed, err := d.SweepTemp(ctx, last)
	require.NoError(t, err)
	require.Zero(t, removed, "an upload that got a part at the cutoff is live")
	removed, err = d.SweepTemp(ctx, last.Add(time.Second))
	require.NoError(t, err)
	require.Equal(t, 1, removed)
	for mu := range client.ListIncompleteUploads(ctx, cfg.Bucket, "", true) {
		require.NoError(t, mu.Err)
		t.Fatalf("upload %s of %s is still there", mu.UploadID, mu.Key)
	}
}
