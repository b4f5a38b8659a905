package gc_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/blob/blobtest"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/files"
	"github.com/kodera-packages/kodera/internal/gc"
	"github.com/kodera-packages/kodera/internal/packages"
	"github.com/kodera-packages/kodera/internal/registry"
	"github.com/kodera-packages/kodera/internal/repository"
)

// env is one database and store with a files repository and an OCI name.
type env struct {
	pool  *pgxpool.Pool
	store *blob.Store
	files *files.Service
	reg   *registry.Service
	frepo domain.Repository
	img   registry.Name
	gc    *gc.Collector
}

var drivers = map[string]func(t *testing.T) blob.Driver{
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

func setup(t *testing.T, d blob.Driver) *env {
	t.Helper()
	ctx := context.Background()
	pool, _ := dbtest.NewPool(t)
	store := blob.NewStore(d)
	log := slog.New(slog.DiscardHandler)
	frepo, err := repository.CreateRepository(ctx, pool, repository.NewRepository{Name: "f", Type: repository.TypeFiles})
	require.NoError(t, err)
	drepo, err := repository.CreateRepository(ctx, pool, repository.NewRepository{Name: "d", Type: repository.TypeDocker})
	require.NoError(t, err)
	return &env{
		pool: pool, store: store, files: files.New(pool, store), reg: registry.New(pool, store, log),
		frepo: frepo, img: registry.Name{Repo: drepo, Image: "img"},
		gc: &gc.Collector{Pool: pool, Store: store, Log: log},
	}
}

// age moves every row's clock back beyond the default grace period, as if
// the test had waited that long.
func (e *env) age(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for _, q := range []string{
		`UPDATE blobs SET created_at = created_at - interval '2 days', last_referenced_at = last_referenced_at - interval '2 days'`,
		`UPDATE oci_blob_links SET created_at = created_at - interval '2 days'`,
	} {
		_, err := e.pool.Exec(ctx, q)
		require.NoError(t, err)
	}
}

func (e *env) putFile(t *testing.T, path, content string) string {
	t.Helper()
	_, err := e.files.Put(context.Background(), e.frepo, path, strings.NewReader(content), int64(len(content)), files.PutOptions{})
	require.NoError(t, err)
	return registry.DigestOf([]byte(content), blob.SHA256)
}

// pushImage pushes a one-layer image tagged tag and returns the digests of
// its config and layer.
func (e *env) pushImage(t *testing.T, tag, layer string) (string, string) {
	t.Helper()
	ctx := context.Background()
	cfg := []byte(`{"os":"linux","architecture":"amd64","tag":"` + tag + `"}`)
	cd := registry.DigestOf(cfg, blob.SHA256)
	ld := registry.DigestOf([]byte(layer), blob.SHA256)
	_, err := e.reg.PutBlob(ctx, e.img, bytes.NewReader(cfg), int64(len(cfg)), cd)
	require.NoError(t, err)
	_, err = e.reg.PutBlob(ctx, e.img, strings.NewReader(layer), int64(len(layer)), ld)
	require.NoError(t, err)
	m := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":%q,"size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":%q,"size":%d}]}`, cd, len(cfg), ld, len(layer))
	_, err = e.reg.PutManifest(ctx, e.img, tag, "application/vnd.oci.image.manifest.v1+json", []byte(m))
	require.NoError(t, err)
	return cd, ld
}

// stored reports whether digest has a row and its object is in the store.
func (e *env) stored(t *testing.T, digest string) bool {
	t.Helper()
	ctx := context.Background()
	var key string
	err := e.pool.QueryRow(ctx, `SELECT storage_key FROM blobs WHERE digest = $1`, digest).Scan(&key)
	if err != nil {
		require.ErrorContains(t, err, "no rows")
		return false
	}
	_, err = e.store.Driver().Stat(ctx, key)
	require.NoError(t, err, "a blobs row whose content is missing: lost, not collected")
	return true
}

// TestCollect: on both stores, a deleted file and the blobs of a deleted
// manifest are reclaimed once older than the grace period (rows and
// objects); referenced content stays readable; a dry run changes nothing.
func TestCollect(t *testing.T) {
	t.Parallel()
	for name, newDriver := range drivers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := setup(t, newDriver(t))

			gone := e.putFile(t, "a/deleted.bin", "content of a deleted file")
			kept := e.putFile(t, "a/kept.bin", "content of a kept file")
			_, err := e.files.Delete(ctx, e.frepo, "a/deleted.bin")
			require.NoError(t, err)
			oldCfg, oldLayer := e.pushImage(t, "old", "layer of the deleted image")
			keptCfg, keptLayer := e.pushImage(t, "kept", "layer of the kept image")
			old, err := e.reg.GetManifest(ctx, e.img, "old")
			require.NoError(t, err)
			require.NoError(t, e.reg.DeleteManifest(ctx, e.img, old.Digest))
			m, err := e.reg.GetManifest(ctx, e.img, "kept")
			require.NoError(t, err)

			rep, err := e.gc.Collect(ctx, gc.Options{})
			require.NoError(t, err)
			require.Zero(t, rep.Blobs, "everything is younger than the grace period")
			require.Zero(t, rep.Links)

			e.age(t)
			dry, err := e.gc.Collect(ctx, gc.Options{DryRun: true})
			require.NoError(t, err)
			require.Equal(t, 2, dry.Links, "the deleted image's config and layer links")
			// The file's blob now; the image's two once their links are gone.
			require.Equal(t, 1, dry.Blobs)
			require.Equal(t, int64(len("content of a deleted file")), dry.BlobBytes)
			require.Contains(t, dry.String(), "would reclaim: 1 blobs")
			for _, d := range []string{gone, oldCfg, oldLayer} {
				require.True(t, e.stored(t, d), "a dry run deletes nothing")
			}

			rep, err = e.gc.Collect(ctx, gc.Options{})
			require.NoError(t, err)
			require.Equal(t, 2, rep.Links)
			require.Equal(t, 3, rep.Blobs)
			require.Equal(t, int64(len("content of a deleted file")+len("layer of the deleted image"))+int64(len(`{"os":"linux","architecture":"amd64","tag":"old"}`)), rep.BlobBytes)
			for _, d := range []string{gone, oldCfg, oldLayer} {
				require.False(t, e.stored(t, d), "%s reclaimed", d)
			}
			for _, d := range []string{kept, keptCfg, keptLayer} {
				require.True(t, e.stored(t, d), "%s referenced, kept", d)
			}
			// The kept image still pulls in full, the kept file still reads.
			for _, d := range []string{keptCfg, keptLayer} {
				b, err := e.reg.Stat(ctx, e.img, d)
				require.NoError(t, err)
				rc, err := e.reg.Open(ctx, b, 0, -1)
				require.NoError(t, err)
				_, err = io.Copy(io.Discard, rc)
				require.NoError(t, err)
				require.NoError(t, rc.Close())
			}
			_, err = e.reg.GetManifest(ctx, e.img, m.Digest)
			require.NoError(t, err)

			again, err := e.gc.Collect(ctx, gc.Options{})
			require.NoError(t, err)
			require.Zero(t, again.Blobs+again.Links, "a second collection finds nothing")

			fsck, err := e.gc.Fsck(ctx)
			require.NoError(t, err)
			require.Empty(t, fsck.Missing)
			require.Empty(t, fsck.Orphans, "collected objects are gone from the store too")
		})
	}
}

// TestPushDuringCollect: a push that re-references a marked blob between
// the mark and the sweep keeps it (the re-check sees last_referenced_at);
// a push that reaches the row while the sweep holds its lock either
// stores its own bytes or fails to be retried, but never records content
// that is gone.
func TestPushDuringCollect(t *testing.T) {
	t.Parallel()
	for name, newDriver := range drivers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := setup(t, newDriver(t))

			const early, late = "re-pushed after the mark", "re-pushed while locked"
			de := e.putFile(t, "early.bin", early)
			dl := e.putFile(t, "late.bin", late)
			for _, p := range []string{"early.bin", "late.bin"} {
				_, err := e.files.Delete(ctx, e.frepo, p)
				require.NoError(t, err)
			}
			e.age(t)

			var wg sync.WaitGroup
			var lateObj blob.Object
			var lateErr error
			blobs := &repository.Blobs{Pool: e.pool, Store: e.store}
			e.gc.Hook = func(ctx context.Context, stage, digest string) {
				switch {
				case stage == gc.StageMarked && digest == de:
					// Interleaved deterministically: a whole push
					// completes between the mark and the sweep.
					e.putFile(t, "again/early.bin", early)
				case stage == gc.StageMarked && digest == dl:
					// The late push stores its content before the sweep
					// (on the filesystem Ingest finds the content address
					// taken and drops its copy) ...
					var err error
					lateObj, err = e.store.Ingest(ctx, strings.NewReader(late), int64(len(late)), blob.IngestOptions{ExpectSize: -1})
					require.NoError(t, err)
				case stage == gc.StageLocked && digest == dl:
					// ... and records it while the sweep holds the row:
					// the insert waits for the sweep to commit.
					wg.Add(1)
					go func() {
						defer wg.Done()
						_, lateErr = blobs.Register(context.Background(), lateObj)
					}()
				}
			}
			rep, err := e.gc.Collect(ctx, gc.Options{})
			require.NoError(t, err)
			wg.Wait()
			require.Equal(t, 1, rep.Kept, "the early re-push keeps its blob")
			require.Equal(t, 1, rep.Blobs, "the late one was collected under the lock")
			require.True(t, e.stored(t, de))

			if name == "fs" {
				// Its bytes went with the sweep: it must fail, not record them.
				require.ErrorIs(t, lateErr, domain.ErrUnavailable, "a push racing the sweep is told to retry")
			} else {
				// On S3 every upload has a key of its own: it simply wins.
				require.NoError(t, lateErr)
				require.True(t, e.stored(t, dl))
			}
			// The client's retry stores the content again.
			e.putFile(t, "again/late.bin", late)
			for _, path := range []string{"again/early.bin", "again/late.bin"} {
				ent, err := e.files.Stat(ctx, e.frepo, path)
				require.NoError(t, err)
				require.True(t, e.stored(t, ent.Digest), path)
			}
			fsck, err := e.gc.Fsck(ctx)
			require.NoError(t, err)
			require.Empty(t, fsck.Missing)
		})
	}
}

// TestFsck: a row whose object is gone is reported missing; objects no row
// names are reported as orphans; nothing is changed.
func TestFsck(t *testing.T) {
	t.Parallel()
	for name, newDriver := range drivers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := setup(t, newDriver(t))
			lost := e.putFile(t, "lost.bin", "content the store lost")
			ok := e.putFile(t, "ok.bin", "content still there")
			var key string
			require.NoError(t, e.pool.QueryRow(ctx, `SELECT storage_key FROM blobs WHERE digest = $1`, lost).Scan(&key))
			require.NoError(t, e.store.Delete(ctx, key))
			orphans := []string{blob.ObjectPrefix + "leftover", blob.ContentKey(registry.DigestOf([]byte("no row"), blob.SHA256))}
			for _, k := range orphans {
				require.NoError(t, e.store.Driver().Put(ctx, k, strings.NewReader("no row"), -1))
			}

			rep, err := e.gc.Fsck(ctx)
			require.NoError(t, err)
			require.Equal(t, []string{lost}, rep.Missing)
			require.ElementsMatch(t, orphans, rep.Orphans)
			require.Equal(t, int64(2*len("no row")), rep.OrphanBytes)
			require.Equal(t, 2, rep.Rows)
			require.Contains(t, rep.String(), "missing "+lost)
			require.True(t, e.stored(t, ok))
			for _, k := range orphans {
				_, err := e.store.Driver().Stat(ctx, k)
				require.NoError(t, err, "fsck only reports")
			}
			_, err = e.store.Driver().Stat(ctx, key)
			require.ErrorIs(t, err, fs.ErrNotExist)
		})
	}
}

// TestOneCollectorAtATime: while another node holds the collection lock,
// TryCollect skips the round and changes nothing; once released it runs.
func TestOneCollectorAtATime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := setup(t, drivers["fs"](t))
	gone := e.putFile(t, "gone.bin", "collected only by the lock holder")
	_, err := e.files.Delete(ctx, e.frepo, "gone.bin")
	require.NoError(t, err)
	e.age(t)

	other, err := e.pool.Acquire(ctx)
	require.NoError(t, err)
	defer other.Release()
	var got bool
	require.NoError(t, other.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", int64(0x6b6f646572616763)).Scan(&got))
	require.True(t, got)

	_, ran, err := e.gc.TryCollect(ctx, gc.Options{})
	require.NoError(t, err)
	require.False(t, ran, "another node is collecting")
	require.True(t, e.stored(t, gone))

	_, err = other.Exec(ctx, "SELECT pg_advisory_unlock($1)", int64(0x6b6f646572616763))
	require.NoError(t, err)
	rep, ran, err := e.gc.TryCollect(ctx, gc.Options{})
	require.NoError(t, err)
	require.True(t, ran)
	require.Equal(t, 1, rep.Blobs)
	require.False(t, e.stored(t, gone))
}

// TestHeadKeepsLink: a pusher that HEADs a blob whose link no manifest
// references (its image was deleted) and will push a manifest naming it
// next restarts the link's grace period, so the collection keeps the link
// and its blob; the manifest push then succeeds.
func TestHeadKeepsLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := setup(t, drivers["fs"](t))
	cd, ld := e.pushImage(t, "v1", "layer pushed again after a delete")
	m, err := e.reg.GetManifest(ctx, e.img, "v1")
	require.NoError(t, err)
	require.NoError(t, e.reg.DeleteManifest(ctx, e.img, m.Digest))
	e.age(t)

	require.NoError(t, e.reg.Touch(ctx, e.img, cd))
	require.NoError(t, e.reg.Touch(ctx, e.img, ld))
	rep, err := e.gc.Collect(ctx, gc.Options{})
	require.NoError(t, err)
	require.Zero(t, rep.Links)
	require.Zero(t, rep.Blobs)
	_, err = e.reg.PutManifest(ctx, e.img, "v1", "application/vnd.oci.image.manifest.v1+json", m.Content)
	require.NoError(t, err, "the re-push finds its blobs")
}

// TestCollectVersionsAndRepositories: the files of a deleted package
// version (a Go module zip through the generic package service) and
// everything of a deleted repository are reclaimed; a version still
// present keeps its file.
func TestCollectVersionsAndRepositories(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := setup(t, drivers["fs"](t))
	goRepo, err := repository.CreateRepository(ctx, e.pool, repository.NewRepository{Name: "g", Type: repository.TypeGo})
	require.NoError(t, err)
	blobs := &repository.Blobs{Pool: e.pool, Store: e.store}
	pk := packages.NewService(e.pool)
	zip := func(version string) string {
		content := "module zip of " + version
		row, _, err := blobs.Put(ctx, strings.NewReader(content), int64(len(content)), blob.IngestOptions{ExpectSize: -1})
		require.NoError(t, err)
		_, err = pk.CreateVersion(ctx, goRepo, packages.NewVersion{Package: "example.com/m", Version: version,
			Files: []packages.NewFile{{Name: version + ".zip", BlobDigest: row.Digest, Size: row.Size}}})
		require.NoError(t, err)
		return row.Digest
	}
	deleted, kept := zip("v1.0.0"), zip("v1.1.0")
	require.NoError(t, pk.DeleteVersion(ctx, goRepo, "example.com/m", "v1.0.0"))

	inRepo := e.putFile(t, "whole/repo.bin", "a file of a deleted repository")
	require.NoError(t, repository.DeleteRepository(ctx, e.pool, e.frepo))

	e.age(t)
	rep, err := e.gc.Collect(ctx, gc.Options{})
	require.NoError(t, err)
	require.Equal(t, 2, rep.Blobs)
	require.False(t, e.stored(t, deleted))
	require.False(t, e.stored(t, inRepo))
	require.True(t, e.stored(t, kept))
}

// TestCollectOrphanObjects: an object a dead upload left under objects/
// (no row, no session) is removed once older than the upload TTL and
// counted with its bytes; a young one stays.
func TestCollectOrphanObjects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	d, err := blob.NewFS(root)
	require.NoError(t, err)
	e := setup(t, d)
	for _, k := range []string{"objects/dead", "objects/young"} {
		require.NoError(t, d.Put(ctx, k, strings.NewReader("left by a dead upload"), -1))
	}
	old := time.Now().Add(-registry.UploadTTL - time.Hour)
	require.NoError(t, os.Chtimes(filepath.Join(root, "objects", "dead"), old, old))

	rep, err := e.gc.Collect(ctx, gc.Options{})
	require.NoError(t, err)
	require.Equal(t, 1, rep.Objects)
	require.Equal(t, int64(len("left by a dead upload")), rep.ObjectBytes)
	require.Contains(t, rep.String(), "1 orphaned upload objects (21 bytes)")
	_, err = d.Stat(ctx, "objects/dead")
	require.ErrorIs(t, err, fs.ErrNotExist)
	_, err = d.Stat(ctx, "objects/young")
	require.NoError(t, err)
}

// TestDryRunPages: a dry run counts every candidate, not only the first
// page (it deletes nothing, so it must move on by key).
func TestDryRunPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := setup(t, drivers["fs"](t))
	_, err := e.pool.Exec(ctx, `INSERT INTO blobs (digest, size, storage_key)
		SELECT 'sha256:' || encode(sha256(i::text::bytea), 'hex'), 2, 'objects/row' || i FROM generate_series(1, 1201) i`)
	require.NoError(t, err)
	e.age(t)
	rep, err := e.gc.Collect(ctx, gc.Options{DryRun: true})
	require.NoError(t, err)
	require.Equal(t, 1201, rep.Blobs)
	require.Equal(t, int64(2402), rep.BlobBytes)
	rep, err = e.gc.Collect(ctx, gc.Options{})
	require.NoError(t, err)
	require.Equal(t, 1201, rep.Blobs, "rows whose objects are already missing go too")
	var left int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM blobs`).Scan(&left))
	require.Zero(t, left)
}
