package registry

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/repository"
)

func setup(t *testing.T) (*Service, Name) {
	t.Helper()
	pool, _ := dbtest.NewPool(t)
	d, err := blob.NewFS(t.TempDir())
	require.NoError(t, err)
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
	until := time.Now().Add(time.Hour)
	rows, err := svc.q().LeaseUpload(ctx, gendb.LeaseUploadParams{Lease: &lease, LeaseUntil: &until, ID: up.ID, AtOffset: 3})
	require.NoError(t, err)
	require.EqualValues(t, 1, rows)
	_, err = svc.AppendChunk(ctx, up, bytes.NewReader([]byte("def")), 3, 3)
	require.ErrorIs(t, err, ErrRangeInvalid)
	_, err = svc.FinishUpload(ctx, up, bytes.NewReader(nil), 0, DigestOf([]byte("abc"), blob.SHA256))
	require.ErrorIs(t, err, ErrUploadUnknown)
	require.NoError(t, svc.q().ReleaseUpload(ctx, gendb.ReleaseUploadParams{ID: up.ID, Lease: &lease}))
	b, err := svc.FinishUpload(ctx, up, bytes.NewReader([]byte("def")), 3, DigestOf([]byte("abcdef"), blob.SHA256))
	require.NoError(t, err)
	require.Equal(t, int64(6), b.Size)
}
