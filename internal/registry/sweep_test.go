package registry

import (
	"bytes"
	"context"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/blob/blobtest"
)

// TestSweepOrphans: on both stores, the objects a dead upload left (chunks
// of a session that is gone, a first chunk no blob or session names) are
// deleted once old enough, while a live session's chunks and stored blobs
// stay, and the live session still finishes.
func TestSweepOrphans(t *testing.T) {
	t.Parallel()
	stores := map[string]func(t *testing.T) blob.Driver{
		"fs": func(t *testing.T) blob.Driver {
			d, err := blob.NewFS(t.TempDir())
			require.NoError(t, err)
			return d
		},
		"s3": func(t *testing.T) blob.Driver {
			d, err := blob.NewS3(t.Context(), blobtest.StartS3(t))
			require.NoError(t, err)
			return d
		},
	}
	for name, newDriver := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			svc, n := setupStore(t, newDriver(t))
			d := svc.Store.Driver()

			stored := []byte("a stored blob")
			b, err := svc.PutBlob(ctx, n, bytes.NewReader(stored), int64(len(stored)), DigestOf(stored, blob.SHA256))
			require.NoError(t, err)
			live, err := svc.StartUpload(ctx, n)
			require.NoError(t, err)
			live, err = svc.AppendChunk(ctx, live, strings.NewReader("live "), 5, 0)
			require.NoError(t, err)
			live, err = svc.AppendChunk(ctx, live, strings.NewReader("chunks"), 6, 5)
			require.NoError(t, err)

			orphans := []string{"uploads/deadsession", "uploads/gone/5-abcdefgh", blob.ObjectPrefix + "orphan"}
			for _, k := range orphans {
				require.NoError(t, d.Put(ctx, k, strings.NewReader("left by a crash"), -1))
			}

			removed, err := svc.SweepOrphans(ctx, time.Now())
			require.NoError(t, err)
			require.Zero(t, removed, "nothing is old enough yet")

			removed, err = svc.SweepOrphans(ctx, time.Now().Add(UploadTTL+time.Hour))
			require.NoError(t, err)
			require.Equal(t, len(orphans), removed)
			for _, k := range orphans {
				_, err := d.Stat(ctx, k)
				require.ErrorIs(t, err, fs.ErrNotExist, k)
			}
			for _, k := range append([]string{b.StorageKey}, live.parts...) {
				_, err := d.Stat(ctx, k)
				require.NoError(t, err, "%s is in use", k)
			}
			data := []byte("live chunks")
			_, err = svc.FinishUpload(ctx, live, bytes.NewReader(nil), 0, DigestOf(data, blob.SHA256))
			require.NoError(t, err)
		})
	}
}

// TestDeadFinisherKeepsBlob: on S3 the first chunk of an upload becomes
// the blob itself. A finisher that died after registering the blob but
// before ending the session leaves a session naming that object; neither
// sweeping the session nor finishing it again deletes the blob's content.
func TestDeadFinisherKeepsBlob(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, err := blob.NewS3(t.Context(), blobtest.StartS3(t))
	require.NoError(t, err)
	svc, n := setupStore(t, d)

	for _, end := range []string{"sweep", "finish again"} {
		data := []byte("one chunk that becomes the blob, then: " + end)
		digest := DigestOf(data, blob.SHA256)
		up, err := svc.StartUpload(ctx, n)
		require.NoError(t, err)
		up, err = svc.AppendChunk(ctx, up, bytes.NewReader(data), int64(len(data)), 0)
		require.NoError(t, err)
		require.Len(t, up.parts, 1)
		// What the dead finisher got done: the blob row, nothing more.
		_, err = svc.Blobs.Register(ctx, blob.Object{Key: up.parts[0], Digest: digest, Size: int64(len(data))})
		require.NoError(t, err)
		row, err := svc.Blobs.Get(ctx, digest)
		require.NoError(t, err)
		require.Equal(t, up.parts[0], row.StorageKey)

		switch end {
		case "sweep":
			removed, err := svc.SweepUploads(ctx, time.Now().Add(UploadTTL+time.Hour))
			require.NoError(t, err)
			require.Equal(t, 1, removed)
		case "finish again":
			b, err := svc.FinishUpload(ctx, up, bytes.NewReader(nil), 0, digest)
			require.NoError(t, err)
			require.Equal(t, row.StorageKey, b.StorageKey)
		}
		_, err = d.Stat(ctx, row.StorageKey)
		require.NoError(t, err, "%s deleted the blob's content", end)
	}
}
