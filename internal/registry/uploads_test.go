package registry

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/repository"
)

func setup(t *testing.T) (*Service, Name) {
	t.Helper()
	svc, n, _ := setupFS(t)
	return svc, n
}

// setupFS is setup that also returns the filesystem store's root.
func setupFS(t *testing.T) (*Service, Name, string) {
	t.Helper()
	root := t.TempDir()
	d, err := blob.NewFS(root)
	require.NoError(t, err)
	svc, n := setupStore(t, d)
	return svc, n, root
}

// setupStore is setup over the given driver.
func setupStore(t *testing.T, d blob.Driver) (*Service, Name) {
	t.Helper()
	pool, _ := dbtest.NewPool(t)
	svc := New(pool, blob.NewStore(d), slog.New(slog.DiscardHandler))
	repo, err := repository.CreateRepository(context.Background(), pool, repository.NewRepository{Name: "r", Type: repository.TypeDocker})
	require.NoError(t, err)
	return svc, Name{Repo: repo, Image: "img"}
}

// TestSweepUploads: an abandoned session and its chunks disappear after
// UploadTTL; a fresh one stays.
func TestSweepUploads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, n := setup(t)
	old, err := svc.StartUpload(ctx, n)
	require.NoError(t, err)
	old, err = svc.AppendChunk(ctx, old, bytes.NewReader([]byte("abc")), 3, 0)
	require.NoError(t, err)
	require.Len(t, old.parts, 1)

	got, err := svc.SweepUploads(ctx, time.Now())
	require.NoError(t, err)
	require.Zero(t, got, "a fresh upload is kept")

	got, err = svc.SweepUploads(ctx, time.Now().Add(UploadTTL+time.Minute))
	require.NoError(t, err)
	require.Equal(t, 1, got)
	_, err = svc.GetUpload(ctx, n, old.ID)
	require.ErrorIs(t, err, ErrUploadUnknown)
	_, err = svc.Store.Driver().Stat(ctx, old.parts[0])
	require.True(t, errors.Is(err, fs.ErrNotExist), "chunk objects are deleted: %v", err)
}

// TestChunksFinishWithoutRehash: several chunks become one blob whose
// digest comes from the stored hash state; a wrong digest is refused and
// leaves nothing behind.
func TestChunksFinishWithoutRehash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, n := setup(t)
	data := []byte("hello, chunked world")
	up, err := svc.StartUpload(ctx, n)
	require.NoError(t, err)
	up, err = svc.AppendChunk(ctx, up, bytes.NewReader(data[:5]), 5, 0)
	require.NoError(t, err)
	_, err = svc.AppendChunk(ctx, up, bytes.NewReader(data[5:]), -1, 3)
	require.ErrorIs(t, err, ErrRangeInvalid)
	up, err = svc.AppendChunk(ctx, up, bytes.NewReader(data[5:10]), -1, -1)
	require.NoError(t, err)
	b, err := svc.FinishUpload(ctx, up, bytes.NewReader(data[10:]), int64(len(data)-10), DigestOf(data, blob.SHA256))
	require.NoError(t, err)
	require.Equal(t, DigestOf(data, blob.SHA256), b.Digest)
	require.Equal(t, int64(len(data)), b.Size)
	rc, err := svc.Open(ctx, b, 0, -1)
	require.NoError(t, err)
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(rc)
	rc.Close()
	require.Equal(t, data, buf.Bytes())

	// sha512 uploads read the chunks once more, then map to the sha256 address.
	up, err = svc.StartUpload(ctx, n)
	require.NoError(t, err)
	up, err = svc.AppendChunk(ctx, up, bytes.NewReader(data[:7]), 7, 0)
	require.NoError(t, err)
	b, err = svc.FinishUpload(ctx, up, bytes.NewReader(data[7:]), int64(len(data)-7), DigestOf(data, blob.SHA512))
	require.NoError(t, err)
	require.Equal(t, DigestOf(data, blob.SHA256), b.BlobDigest)
	_, err = svc.Stat(ctx, n, DigestOf(data, blob.SHA512))
	require.NoError(t, err)

	up, err = svc.StartUpload(ctx, n)
	require.NoError(t, err)
	up, err = svc.AppendChunk(ctx, up, bytes.NewReader([]byte("xyz")), 3, 0)
	require.NoError(t, err)
	_, err = svc.FinishUpload(ctx, up, bytes.NewReader(nil), 0, DigestOf(data, blob.SHA256))
	require.ErrorIs(t, err, ErrDigestInvalid)
	_, err = svc.Store.Driver().Stat(ctx, up.parts[0])
	require.True(t, errors.Is(err, fs.ErrNotExist))
}

// TestLeasedChunk: while one request writes a chunk in place, another chunk
// or the final PUT cannot touch the upload.
func TestLeasedChunk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, n := setup(t)
	up, err := svc.StartUpload(ctx, n)
	require.NoError(t, err)
	up, err = svc.AppendChunk(ctx, up, bytes.NewReader([]byte("abc")), 3, 0)
	require.NoError(t, err)
	lease := "someone-else"
	rows, err := svc.q().LeaseUpload(ctx, gendb.LeaseUploadParams{Lease: &lease, TtlSeconds: 3600, ID: up.ID, AtOffset: 3})
	require.NoError(t, err)
	require.EqualValues(t, 1, rows)
	_, err = svc.AppendChunk(ctx, up, bytes.NewReader([]byte("def")), 3, 3)
	require.ErrorIs(t, err, ErrRangeInvalid)
	msg, ok := Detail(err)
	require.True(t, ok)
	require.Contains(t, msg, "another request is writing to this upload")
	_, err = svc.FinishUpload(ctx, up, bytes.NewReader(nil), 0, DigestOf([]byte("abc"), blob.SHA256))
	require.ErrorIs(t, err, ErrRangeInvalid, "a busy upload is not unknown")
	require.ErrorIs(t, svc.CancelUpload(ctx, up), domain.ErrConflict)
	require.NoError(t, svc.q().ReleaseUpload(ctx, gendb.ReleaseUploadParams{ID: up.ID, Lease: &lease}))
	b, err := svc.FinishUpload(ctx, up, bytes.NewReader([]byte("def")), 3, DigestOf([]byte("abcdef"), blob.SHA256))
	require.NoError(t, err)
	require.Equal(t, int64(6), b.Size)
}

// TestFinishKeepsCommittedContent: finishing a chunked upload of content
// the store already holds drops the upload and leaves the stored file
// itself (same inode) in place, never renamed over.
func TestFinishKeepsCommittedContent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, n, root := setupFS(t)
	data := []byte("content pushed twice")
	digest := DigestOf(data, blob.SHA256)
	_, err := svc.PutBlob(ctx, n, bytes.NewReader(data), int64(len(data)), digest)
	require.NoError(t, err)
	content := filepath.Join(root, filepath.FromSlash(blob.ContentKey(digest)))
	before, err := os.Stat(content)
	require.NoError(t, err)

	up, err := svc.StartUpload(ctx, n)
	require.NoError(t, err)
	up, err = svc.AppendChunk(ctx, up, bytes.NewReader(data[:8]), 8, 0)
	require.NoError(t, err)
	staged := up.parts[0]
	b, err := svc.FinishUpload(ctx, up, bytes.NewReader(data[8:]), int64(len(data)-8), digest)
	require.NoError(t, err)
	require.Equal(t, blob.ContentKey(digest), b.StorageKey)

	after, err := os.Stat(content)
	require.NoError(t, err)
	require.True(t, os.SameFile(before, after), "the committed file was replaced")
	_, err = svc.Store.Driver().Stat(ctx, staged)
	require.ErrorIs(t, err, fs.ErrNotExist, "the dropped upload is deleted")
	rc, err := svc.Open(ctx, b, 0, -1)
	require.NoError(t, err)
	got, err := io.ReadAll(rc)
	rc.Close()
	require.NoError(t, err)
	require.Equal(t, data, got)
}

// TestDeadLeaseRunsOut: a lease whose holder died (it never renews) holds
// the session only for its TTL; meanwhile a chunk is refused with why and
// until when, and the resumed chunk drops the bytes the dead writer left
// beyond the offset.
func TestDeadLeaseRunsOut(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, n, root := setupFS(t)
	up, err := svc.StartUpload(ctx, n)
	require.NoError(t, err)
	up, err = svc.AppendChunk(ctx, up, bytes.NewReader([]byte("abc")), 3, 0)
	require.NoError(t, err)

	// A writer leases the session, writes half a chunk and dies.
	dead := "dead-node"
	rows, err := svc.q().LeaseUpload(ctx, gendb.LeaseUploadParams{Lease: &dead, TtlSeconds: 1, ID: up.ID, AtOffset: 3})
	require.NoError(t, err)
	require.EqualValues(t, 1, rows)
	f, err := os.OpenFile(filepath.Join(root, filepath.FromSlash(up.parts[0])), os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.WriteString("garbage")
	require.NoError(t, err)
	require.NoError(t, f.Close())

	_, err = svc.AppendChunk(ctx, up, bytes.NewReader([]byte("def")), 3, 3)
	require.ErrorIs(t, err, ErrRangeInvalid)
	msg, _ := Detail(err)
	require.Contains(t, msg, "retry at offset 3 within 1 s")
	got, err := svc.GetUpload(ctx, n, up.ID)
	require.NoError(t, err)
	require.EqualValues(t, 3, got.Offset, "the session reports the offset that can be resumed")

	require.Eventually(t, func() bool {
		up2, err := svc.AppendChunk(ctx, got, bytes.NewReader([]byte("def")), 3, 3)
		if err != nil {
			require.ErrorIs(t, err, ErrRangeInvalid)
			return false
		}
		got = up2
		return true
	}, 10*time.Second, 50*time.Millisecond, "the dead writer's lease never ran out")
	data := []byte("abcdef")
	b, err := svc.FinishUpload(ctx, got, bytes.NewReader(nil), 0, DigestOf(data, blob.SHA256))
	require.NoError(t, err)
	rc, err := svc.Open(ctx, b, 0, -1)
	require.NoError(t, err)
	content, err := io.ReadAll(rc)
	rc.Close()
	require.NoError(t, err)
	require.Equal(t, data, content)
}

// TestLeaseRenewedWhileStreaming: a chunk that streams for several lease
// TTLs keeps its lease the whole time (no other request gets in), and
// lands.
func TestLeaseRenewedWhileStreaming(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, n := setup(t)
	svc.LeaseTTL = time.Second
	up, err := svc.StartUpload(ctx, n)
	require.NoError(t, err)

	pr, pw := io.Pipe()
	type result struct {
		up  Upload
		err error
	}
	done := make(chan result, 1)
	go func() {
		u, err := svc.AppendChunk(ctx, up, pr, -1, 0)
		done <- result{u, err}
	}()
	_, err = pw.Write([]byte("slow "))
	require.NoError(t, err)
	other := "other"
	require.Never(t, func() bool {
		rows, err := svc.q().LeaseUpload(ctx, gendb.LeaseUploadParams{Lease: &other, TtlSeconds: 60, ID: up.ID, AtOffset: 0})
		require.NoError(t, err)
		return rows > 0
	}, 3*svc.LeaseTTL, 20*time.Millisecond, "the streaming chunk lost its lease")
	_, err = pw.Write([]byte("chunk"))
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	res := <-done
	require.NoError(t, res.err)
	require.EqualValues(t, len("slow chunk"), res.up.Offset)
}

// TestLostLeaseStopsWriter: a writer whose lease was taken over (it was
// presumed dead) stops writing at its next renewal and is told so, rather
// than advancing a session someone else now owns.
func TestLostLeaseStopsWriter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, n := setup(t)
	svc.LeaseTTL = time.Second
	up, err := svc.StartUpload(ctx, n)
	require.NoError(t, err)

	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := svc.AppendChunk(ctx, up, pr, -1, 0)
		done <- err
	}()
	_, err = pw.Write([]byte("half a chunk"))
	require.NoError(t, err)
	_, err = svc.Pool.Exec(ctx, `UPDATE oci_uploads SET lease = 'thief' WHERE id = $1`, up.ID)
	require.NoError(t, err)
	// The writer notices at its next renewal and stops reading; a write
	// it no longer reads fails instead of blocking.
	go func() {
		for {
			if _, err := pw.Write([]byte("more")); err != nil {
				return
			}
		}
	}()
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the writer kept writing without its lease")
	}
	pr.CloseWithError(io.ErrClosedPipe)
	require.ErrorIs(t, err, ErrRangeInvalid)
	msg, _ := Detail(err)
	require.Contains(t, msg, "lost its lease")
	got, err := svc.GetUpload(ctx, n, up.ID)
	require.NoError(t, err)
	require.Zero(t, got.Offset, "the session did not advance")
}
