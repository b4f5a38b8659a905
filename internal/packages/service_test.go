package packages_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/packages"
	"github.com/kodera-packages/kodera/internal/registry"
	"github.com/kodera-packages/kodera/internal/repository"
	"github.com/kodera-packages/kodera/internal/search"
	"github.com/kodera-packages/kodera/migrations"
)

func setup(t *testing.T, typ string) (*packages.Service, domain.Repository) {
	t.Helper()
	pool, _ := dbtest.NewPool(t)
	repo, err := repository.CreateRepository(context.Background(), pool, repository.NewRepository{Name: "r", Type: typ})
	require.NoError(t, err)
	return packages.NewService(pool), repo
}

// storeBlob records a blobs row for content (the object itself is not
// needed by the package rows) and returns its digest.
func storeBlob(t *testing.T, pool *pgxpool.Pool, content string) string {
	t.Helper()
	s := sha256.Sum256([]byte(content))
	d := "sha256:" + hex.EncodeToString(s[:])
	_, err := gendb.New(pool).InsertBlob(context.Background(), gendb.InsertBlobParams{Digest: d, Size: int64(len(content)), StorageKey: "k/" + d})
	require.NoError(t, err)
	return d
}

// TestCreateVersion: a version is created with its package and files in one
// call; a second push of it is a conflict, and nothing half-written stays.
func TestCreateVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, repo := setup(t, repository.TypeDocker)
	d := storeBlob(t, svc.Pool, "layer")
	v, err := svc.CreateVersion(ctx, repo, packages.NewVersion{Package: "team/app", Version: "v1", Metadata: json.RawMessage(`{"k":"v"}`), CreatedBy: "alice",
		Files: []packages.NewFile{{Name: "layer", BlobDigest: d, Size: 5}}})
	require.NoError(t, err)
	require.Equal(t, int64(1), v.FileCount)
	require.Equal(t, int64(5), v.Size)

	_, err = svc.CreateVersion(ctx, repo, packages.NewVersion{Package: "team/app", Version: "v1"})
	require.ErrorIs(t, err, domain.ErrConflict)
	_, err = svc.CreateVersion(ctx, repo, packages.NewVersion{Package: "Team/App", Version: "v2"})
	require.ErrorIs(t, err, domain.ErrInvalid, "OCI names are lowercase")
	_, err = svc.CreateVersion(ctx, repo, packages.NewVersion{Package: "team/app", Version: "bad tag!"})
	require.ErrorIs(t, err, domain.ErrInvalid)
	_, err = svc.CreateVersion(ctx, repo, packages.NewVersion{Package: "other", Version: "v1",
		Files: []packages.NewFile{{Name: "x", BlobDigest: "sha256:" + fmt.Sprintf("%064d", 0), Size: 1}}})
	require.ErrorIs(t, err, domain.ErrInvalid, "a file needs a stored blob")
	_, err = svc.CreateVersion(ctx, repo, packages.NewVersion{Package: "other", Version: "v1",
		Files: []packages.NewFile{{Name: "x", BlobDigest: d, Size: 5}, {Name: "x", BlobDigest: d, Size: 5}}})
	require.ErrorIs(t, err, domain.ErrConflict, "two files of one name")
	_, err = svc.GetPackage(ctx, repo, "other")
	require.ErrorIs(t, err, domain.ErrNotFound, "a failed create leaves no package behind")

	pkg, ver, files, err := svc.GetVersion(ctx, repo, "team/app", "v1")
	require.NoError(t, err)
	require.Equal(t, "team/app", pkg.Name)
	require.JSONEq(t, `{"k":"v"}`, string(ver.Metadata))
	require.Equal(t, "alice", ver.CreatedBy)
	require.Equal(t, []packages.File{{Name: "layer", BlobDigest: d, Size: 5, ContentType: "application/octet-stream", CreatedAt: files[0].CreatedAt}}, files)
	_, _, _, err = svc.GetVersion(ctx, repo, "team/app", "v9")
	require.ErrorIs(t, err, domain.ErrNotFound)
}

// TestListAndTotals: listings filter and page with a total; totals count
// every file of every version (size) and each blob once (stored size).
func TestListAndTotals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, repo := setup(t, repository.TypeDocker)
	d := storeBlob(t, svc.Pool, "0123456789")
	for _, name := range []string{"alpha", "beta", "team/alpha2"} {
		for _, ver := range []string{"v1", "v2"} {
			_, err := svc.CreateVersion(ctx, repo, packages.NewVersion{Package: name, Version: ver, Files: []packages.NewFile{{Name: "f", BlobDigest: d, Size: 10}}})
			require.NoError(t, err)
		}
	}
	all, total, err := svc.ListPackages(ctx, repo, "", "", 2, 0)
	require.NoError(t, err)
	require.Equal(t, int64(3), total)
	require.Len(t, all, 2)
	require.Equal(t, "alpha", all[0].Name)
	require.Equal(t, int64(2), all[0].VersionCount)
	require.Equal(t, int64(20), all[0].Size)
	require.Equal(t, "v2", all[0].LatestVersion)
	rest, total, err := svc.ListPackages(ctx, repo, "", "", 2, 2)
	require.NoError(t, err)
	require.Equal(t, int64(3), total)
	require.Equal(t, "team/alpha2", rest[0].Name)

	found, total, err := svc.ListPackages(ctx, repo, "ALPHA", "", 50, 0)
	require.NoError(t, err)
	require.Equal(t, int64(2), total, "the filter is case-insensitive")
	require.Equal(t, []string{"alpha", "team/alpha2"}, []string{found[0].Name, found[1].Name})

	vs, total, err := svc.ListVersions(ctx, repo, "beta", 1, 0)
	require.NoError(t, err)
	require.Equal(t, int64(2), total)
	require.Equal(t, "v2", vs[0].Version, "newest first")

	pkg, err := svc.GetPackage(ctx, repo, "beta")
	require.NoError(t, err)
	require.Equal(t, int64(2), pkg.VersionCount)
	require.Equal(t, int64(20), pkg.Size)

	tot, err := svc.RepositoryTotals(ctx, repo.ID)
	require.NoError(t, err)
	require.Equal(t, packages.Totals{Packages: 3, Versions: 6, Files: 6, Size: 60, StoredSize: 10}, tot)
}

// TestDockerImagesArePackages: what the OCI registry pushes is visible as
// packages and versions with the manifest's blobs as files, and deleting a
// version through the package service deletes what the protocol serves.
func TestDockerImagesArePackages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, repo := setup(t, repository.TypeDocker)
	d, err := blob.NewFS(t.TempDir())
	require.NoError(t, err)
	reg := registry.New(svc.Pool, blob.NewStore(d), slog.New(slog.DiscardHandler))
	n := registry.Name{Repo: repo, Image: "team/app"}
	cfg := []byte(`{"os":"linux","architecture":"amd64"}`)
	cd := registry.DigestOf(cfg, blob.SHA256)
	_, err = reg.PutBlob(ctx, n, bytes.NewReader(cfg), int64(len(cfg)), cd)
	require.NoError(t, err)
	const mt = "application/vnd.oci.image.manifest.v1+json"
	m := []byte(fmt.Sprintf(`{"schemaVersion":2,"mediaType":%q,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":%q,"size":%d},"layers":[]}`, mt, cd, len(cfg)))
	res, err := reg.PutManifest(ctx, n, "v1", mt, m, "latest")
	require.NoError(t, err)

	pkgs, total, err := svc.ListPackages(ctx, repo, "", "", 50, 0)
	require.NoError(t, err)
	require.Equal(t, int64(1), total)
	require.Equal(t, "team/app", pkgs[0].Name)
	require.Equal(t, int64(2), pkgs[0].VersionCount)
	_, ver, files, err := svc.GetVersion(ctx, repo, "team/app", "latest")
	require.NoError(t, err)
	meta, err := packages.DecodeMetadata[packages.ImageMetadata](ver)
	require.NoError(t, err)
	require.Equal(t, packages.ImageMetadata{Digest: res.Digest, MediaType: mt, Size: int64(len(m)), TotalSize: int64(len(cfg))}, meta)
	require.Len(t, files, 1)
	require.Equal(t, cd, files[0].Name)
	require.Equal(t, "application/vnd.oci.image.config.v1+json", files[0].ContentType)
	require.Equal(t, int64(len(cfg)), ver.Size)

	// The digest is tagged: refused, and nothing changes.
	require.ErrorIs(t, svc.DeleteVersion(ctx, repo, "team/app", res.Digest), domain.ErrNotFound, "a tag push lists tags, not the digest")
	require.NoError(t, svc.DeleteVersion(ctx, repo, "team/app", "latest"))
	_, err = reg.GetManifest(ctx, n, "latest")
	require.ErrorIs(t, err, registry.ErrManifestUnknown, "the tag is gone from the protocol too")
	_, err = reg.GetManifest(ctx, n, "v1")
	require.NoError(t, err)

	// A digest version (pushed untagged) is deleted only once untagged.
	_, err = reg.PutManifest(ctx, n, res.Digest, mt, m)
	require.NoError(t, err)
	require.ErrorIs(t, svc.DeleteVersion(ctx, repo, "team/app", res.Digest), domain.ErrConflict)
	require.NoError(t, svc.DeleteVersion(ctx, repo, "team/app", "v1"))
	require.NoError(t, svc.DeleteVersion(ctx, repo, "team/app", res.Digest))
	_, err = reg.GetManifest(ctx, n, res.Digest)
	require.ErrorIs(t, err, registry.ErrManifestUnknown)
	_, err = svc.GetPackage(ctx, repo, "team/app")
	require.ErrorIs(t, err, domain.ErrNotFound, "the package goes with its last version")
}

// TestDockerImmutableDelete: an immutable repository refuses deletes
// through the package service as the protocol does.
func TestDockerImmutableDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, repo := setup(t, repository.TypeDocker)
	_, err := svc.CreateVersion(ctx, repo, packages.NewVersion{Package: "app", Version: "v1"})
	require.NoError(t, err)
	yes := true
	repo, err = repository.UpdateRepository(ctx, svc.Pool, repo, repository.RepositoryChange{Immutable: &yes})
	require.NoError(t, err)
	require.ErrorIs(t, svc.DeleteVersion(ctx, repo, "app", "v1"), domain.ErrConflict)
	_, _, _, err = svc.GetVersion(ctx, repo, "app", "v1")
	require.NoError(t, err)
}

// TestFilesTreeAsPackages: a files repository keeps its tree; the package
// views show each file as a package with the one version "latest".
func TestFilesTreeAsPackages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, repo := setup(t, repository.TypeFiles)
	d := storeBlob(t, svc.Pool, "hello")
	_, err := svc.Pool.Exec(ctx, `INSERT INTO repository_files (repository_id, path, parent, name, is_folder, blob_digest, size, content_type, uploaded_by)
		VALUES ($1, 'docs', '', 'docs', true, NULL, 0, '', ''), ($1, 'docs/Readme.txt', 'docs', 'Readme.txt', false, $2, 5, 'text/plain', 'bob'),
		       ($1, 'a.bin', '', 'a.bin', false, $2, 5, '', 'bob')`, repo.ID, d)
	require.NoError(t, err)
	pkgs, total, err := svc.ListPackages(ctx, repo, "readme", "", 50, 0)
	require.NoError(t, err)
	require.Equal(t, int64(1), total, "folders are not packages")
	require.Equal(t, "docs/Readme.txt", pkgs[0].Name)
	require.Equal(t, packages.FilesVersion, pkgs[0].LatestVersion)
	vs, total, err := svc.ListVersions(ctx, repo, "/docs/Readme.txt", 50, 0)
	require.NoError(t, err)
	require.Equal(t, int64(1), total)
	require.Equal(t, "bob", vs[0].CreatedBy)
	_, _, files, err := svc.GetVersion(ctx, repo, "docs/Readme.txt", "latest")
	require.NoError(t, err)
	require.Equal(t, []packages.File{{Name: "docs/Readme.txt", BlobDigest: d, Size: 5, ContentType: "text/plain", CreatedAt: files[0].CreatedAt}}, files)
	_, _, _, err = svc.GetVersion(ctx, repo, "docs/Readme.txt", "v1")
	require.ErrorIs(t, err, domain.ErrNotFound)
	_, err = svc.GetPackage(ctx, repo, "docs")
	require.ErrorIs(t, err, domain.ErrNotFound)
	require.ErrorIs(t, svc.DeleteVersion(ctx, repo, "a.bin", "latest"), domain.ErrConflict)
}

// TestFormatsRegistered: every repository type that has a protocol has a
// format; each format's connect text names the repository.
func TestFormatsRegistered(t *testing.T) {
	t.Parallel()
	var types []string
	for _, f := range packages.Formats() {
		types = append(types, f.Type())
		steps := f.Connect(packages.ConnectInfo{BaseURL: "https://k.example", Host: "k.example", Repository: "myrepo"})
		require.NotEmpty(t, steps)
		named := false
		for _, s := range steps {
			require.NotEmpty(t, s.Title)
			named = named || strings.Contains(s.Snippet, "myrepo")
		}
		require.True(t, named, "%s: some step names the repository", f.Type())
	}
	require.Equal(t, []string{repository.TypeDocker, repository.TypeFiles, repository.TypeGo, repository.TypePyPI}, types)
}

// TestBackfillImageFiles: migration 00055 gives versions written before
// the registry attached blobs (no package_files rows) their manifest's
// config and layers.
func TestBackfillImageFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, repo := setup(t, repository.TypeDocker)
	d, err := blob.NewFS(t.TempDir())
	require.NoError(t, err)
	reg := registry.New(svc.Pool, blob.NewStore(d), slog.New(slog.DiscardHandler))
	const mt = "application/vnd.oci.image.manifest.v1+json"
	for _, image := range []string{"", "app"} { // the root image is listed under the repository's name
		n := registry.Name{Repo: repo, Image: image}
		cfg := []byte(`{"os":"linux","image":"` + image + `"}`)
		cd := registry.DigestOf(cfg, blob.SHA256)
		_, err = reg.PutBlob(ctx, n, bytes.NewReader(cfg), int64(len(cfg)), cd)
		require.NoError(t, err)
		m := []byte(fmt.Sprintf(`{"schemaVersion":2,"mediaType":%q,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":%q,"size":%d},"layers":[]}`, mt, cd, len(cfg)))
		res, err := reg.PutManifest(ctx, n, "v1", mt, m)
		require.NoError(t, err)
		_, err = reg.PutManifest(ctx, n, res.Digest, mt, m) // an untagged-digest version too
		require.NoError(t, err)
	}
	before, err := svc.RepositoryTotals(ctx, repo.ID)
	require.NoError(t, err)
	require.Equal(t, int64(4), before.Files)
	_, err = svc.Pool.Exec(ctx, `DELETE FROM package_files`)
	require.NoError(t, err)

	up, err := migrations.FS.ReadFile("00055_package_files.sql")
	require.NoError(t, err)
	stmt := string(up)
	stmt = stmt[strings.Index(stmt, "INSERT INTO package_files"):strings.Index(stmt, "-- +goose Down")]
	_, err = svc.Pool.Exec(ctx, stmt)
	require.NoError(t, err)
	after, err := svc.RepositoryTotals(ctx, repo.ID)
	require.NoError(t, err)
	require.Equal(t, before.Files, after.Files)
	require.Equal(t, before.Size, after.Size)
	_, err = svc.Pool.Exec(ctx, stmt)
	require.NoError(t, err, "running it twice adds nothing")
	again, err := svc.RepositoryTotals(ctx, repo.ID)
	require.NoError(t, err)
	require.Equal(t, after, again)
}

// TestVersionsFeedSearch: every version write and delete records its
// package in the search outbox in its own transaction (a failed one
// records nothing), and the indexer then shows the package as it is.
func TestVersionsFeedSearch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, repo := setup(t, repository.TypeDocker)
	outbox := func() (n int) {
		require.NoError(t, svc.Pool.QueryRow(ctx, `SELECT count(*) FROM search_outbox WHERE kind = 'package'`).Scan(&n))
		return n
	}
	idx := search.NewPostgres(svc.Pool)
	drain := func() {
		_, err := search.NewIndexer(svc.Pool, idx, slog.New(slog.DiscardHandler)).Drain(ctx)
		require.NoError(t, err)
	}
	find := func() []search.Hit {
		res, err := idx.Search(ctx, search.Options{Query: "webapp", Kinds: []search.Kind{search.KindPackage}, Visible: auth.Visible{All: true}})
		require.NoError(t, err)
		return res.Hits
	}

	_, err := svc.CreateVersion(ctx, repo, packages.NewVersion{Package: "webapp", Version: "v1", CreatedBy: "alice"})
	require.NoError(t, err)
	require.Equal(t, 1, outbox())
	_, err = svc.CreateVersion(ctx, repo, packages.NewVersion{Package: "webapp", Version: "v1"})
	require.ErrorIs(t, err, domain.ErrConflict)
	require.Equal(t, 1, outbox(), "a rolled-back write leaves no outbox row")
	drain()
	require.Zero(t, outbox())
	hits := find()
	require.Len(t, hits, 1)
	require.Equal(t, "v1", hits[0].Version)
	require.Equal(t, "alice", hits[0].UploadedBy)

	require.NoError(t, db.WithTx(ctx, svc.Pool, func(q *db.Queries) error {
		return packages.DeleteVersionsTx(ctx, q, repo, "webapp", []string{"v1"})
	}))
	require.Equal(t, 1, outbox())
	drain()
	require.Empty(t, find(), "the package went with its last version")
}
