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
