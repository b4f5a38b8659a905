package packages

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/search"
)

// Package is one package of a repository, as every format lists it.
type Package struct {
	ID             int64
	Name           string
	NormalizedName string
	// VersionCount, Size (every file of every version) and LatestVersion
	// (the newest pushed) are filled by listings and Get.
	VersionCount  int64
	Size          int64
	LatestVersion string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Version is one version of a package with its format's metadata.
type Version struct {
	ID        int64
	Version   string
	Metadata  json.RawMessage
	CreatedBy string
	// FileCount and Size total the version's files.
	FileCount int64
	Size      int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// File is one file of a version: a name and the blob holding its content.
type File struct {
	Name        string
	BlobDigest  string
	Size        int64
	ContentType string
	CreatedAt   time.Time
}

// NewFile is a file to attach to a version; its blob must be stored (the
// blobs row exists) before the version is written.
type NewFile struct {
	Name        string
	BlobDigest  string
	Size        int64
	ContentType string // default application/octet-stream
}

// NewVersion is what writing a version takes.
type NewVersion struct {
	Package   string
	Version   string
	Metadata  json.RawMessage // default {}
	CreatedBy string
	Files     []NewFile
}

// Totals sums a repository's packages.
type Totals struct {
	Packages, Versions, Files int64
	// Size counts every file of every version; StoredSize counts each
	// distinct blob once, which is what the repository costs in the store.
	Size, StoredSize int64
}

// Service is the generic package service: create-or-get a package, add
// versions with typed metadata and files, list, get and delete them. Its
// methods own their transactions; the Tx functions below let a format's
// own service (internal/registry) write in the transaction it already holds.
type Service struct {
	Pool *pgxpool.Pool
}

// NewService returns the package service over pool.
func NewService(pool *pgxpool.Pool) *Service { return &Service{Pool: pool} }

func (s *Service) q() *db.Queries { return gendb.New(s.Pool) }

// format returns the format of repo or ErrNotFound for a type without one.
func format(repo domain.Repository) (Format, error) {
	f, ok := Lookup(repo.Type)
	if !ok {
		return nil, domain.Errorf(domain.ErrNotFound, "repository %q (%s) has no package views yet", repo.Name, repo.Type)
	}
	return f, nil
}

// CreateVersion creates the package if needed and adds a version with its
// files, in one transaction. The version must be new: an existing one is
// ErrConflict (versions are immutable; formats whose versions move, like
// OCI tags, use PutVersionTx).
func (s *Service) CreateVersion(ctx context.Context, repo domain.Repository, nv NewVersion) (Version, error) {
	var out Version
	err := db.WithTx(ctx, s.Pool, func(q *db.Queries) error {
		pkg, err := CreateOrGetPackageTx(ctx, q, repo, nv.Package)
		if err != nil {
			return err
		}
		f, _ := format(repo)
		if err := f.ValidateVersion(nv.Version); err != nil {
			return err
		}
		row, err := q.InsertVersion(ctx, gendb.InsertVersionParams{PackageID: pkg.ID, Version: nv.Version, Metadata: metadata(nv.Metadata), CreatedBy: nv.CreatedBy})
		if err = db.Translate(err); err != nil {
			if errors.Is(err, domain.ErrConflict) {
				return domain.Errorf(domain.ErrConflict, "%s %s already exists", pkg.Name, nv.Version)
			}
			return err
		}
		out = Version{ID: row.ID, Version: row.Version, Metadata: row.Metadata, CreatedBy: row.CreatedBy, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt}
		for _, nf := range nv.Files {
			if err := AttachFileTx(ctx, q, row.ID, nf); err != nil {
				return err
			}
			out.FileCount++
			out.Size += nf.Size
		}
		return nil
	})
	return out, err
}

// CreateOrGetPackageTx returns the package named name in repo (compared in
// the format's normalized form), creating it on first use.
func CreateOrGetPackageTx(ctx context.Context, q *db.Queries, repo domain.Repository, name string) (Package, error) {
	f, err := format(repo)
	if err != nil {
		return Package{}, err
	}
	norm, err := f.NormalizeName(name)
	if err != nil {
		return Package{}, err
	}
	row, err := q.UpsertPackage(ctx, gendb.UpsertPackageParams{RepositoryID: repo.ID, Name: name, NormalizedName: norm})
	if err != nil {
		return Package{}, db.Translate(err)
	}
	// Every version write starts here (CreateVersion, a format's
	// PutVersionTx), so one outbox row here indexes them all: the indexer
	// reads the package as it is after the commit.
	if err := search.Enqueue(ctx, q, search.PackageChanged(repo.ID, row.ID)); err != nil {
		return Package{}, err
	}
	return packageOf(row), nil
}

// PutVersionTx adds a version or, when it exists, replaces its metadata and
// files: for formats whose versions move (an OCI tag pushed again).
func PutVersionTx(ctx context.Context, q *db.Queries, repo domain.Repository, pkg Package, nv NewVersion) (Version, error) {
	f, err := format(repo)
	if err != nil {
		return Version{}, err
	}
	if err := f.ValidateVersion(nv.Version); err != nil {
		return Version{}, err
	}
	row, err := q.UpsertVersion(ctx, gendb.UpsertVersionParams{PackageID: pkg.ID, Version: nv.Version, Metadata: metadata(nv.Metadata), CreatedBy: nv.CreatedBy})
	if err != nil {
		return Version{}, db.Translate(err)
	}
	if !row.Inserted {
		if err := q.DeletePackageFiles(ctx, row.ID); err != nil {
			return Version{}, db.Translate(err)
		}
	}
	v := Version{ID: row.ID, Version: row.Version, Metadata: row.Metadata, CreatedBy: row.CreatedBy, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt}
	for _, nf := range nv.Files {
		if err := AttachFileTx(ctx, q, row.ID, nf); err != nil {
			return Version{}, err
		}
		v.FileCount++
		v.Size += nf.Size
	}
	return v, nil
}

// AttachFileTx attaches a stored blob to a version. A second file of the
// same name is ErrConflict; an unknown blob is ErrInvalid.
func AttachFileTx(ctx context.Context, q *db.Queries, versionID int64, nf NewFile) error {
	if nf.Name == "" {
		return domain.Errorf(domain.ErrInvalid, "a file needs a name")
	}
	ct := nf.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	_, err := q.InsertPackageFile(ctx, gendb.InsertPackageFileParams{VersionID: versionID, Name: nf.Name, BlobDigest: nf.BlobDigest, Size: nf.Size, ContentType: ct})
	switch err = db.Translate(err); {
	case errors.Is(err, domain.ErrConflict):
		return domain.Errorf(domain.ErrConflict, "file %q already exists in this version", nf.Name)
	case errors.Is(err, domain.ErrInvalid):
		return domain.Errorf(domain.ErrInvalid, "file %q: blob %s is not stored", nf.Name, nf.BlobDigest)
	}
	return err
}

// DeleteVersionsTx removes versions of a package by name, without the
// format's hook (the format's own service calls it after deleting its
// protocol rows), and the package with its last version.
func DeleteVersionsTx(ctx context.Context, q *db.Queries, repo domain.Repository, name string, versions []string) error {
	f, err := format(repo)
	if err != nil {
		return err
	}
	norm, err := f.NormalizeName(name)
	if err != nil {
		return err
	}
	pkg, err := q.GetPackageByName(ctx, gendb.GetPackageByNameParams{RepositoryID: repo.ID, NormalizedName: norm})
	if err = db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return nil
		}
		return err
	}
	if err := q.DeleteVersionsByName(ctx, gendb.DeleteVersionsByNameParams{PackageID: pkg.ID, Versions: versions}); err != nil {
		return db.Translate(err)
	}
	if err := search.Enqueue(ctx, q, search.PackageChanged(repo.ID, pkg.ID)); err != nil {
		return err
	}
	return db.Translate(q.DeletePackageIfEmpty(ctx, pkg.ID))
}

// DeleteVersion deletes one version: the format's DeleteHook first (so the
// protocol stops serving it), then the rows, and the package with its last
// version, in one transaction.
func (s *Service) DeleteVersion(ctx context.Context, repo domain.Repository, name, version string) error {
	f, err := format(repo)
	if err != nil {
		return err
	}
	if _, ok := f.(PackageSource); ok {
		return domain.Errorf(domain.ErrConflict, "%s repositories delete through their own protocol", repo.Type)
	}
	return db.WithTx(ctx, s.Pool, func(q *db.Queries) error {
		pkg, err := getPackage(ctx, q, f, repo, name)
		if err != nil {
			return err
		}
		v, err := q.GetVersion(ctx, gendb.GetVersionParams{PackageID: pkg.ID, Version: version})
		if err = db.Translate(err); err != nil {
			if errors.Is(err, domain.ErrNotFound) {
				return domain.Errorf(domain.ErrNotFound, "version %q of %q not found", version, pkg.Name)
			}
			return err
		}
		if h, ok := f.(DeleteHook); ok {
			ref := VersionRef{Repository: repo, Package: pkg, Version: versionOf(v.ID, v.Version, v.Metadata, v.CreatedBy, v.FileCount, v.Size, v.CreatedAt, v.UpdatedAt)}
			if err := h.BeforeDeleteVersion(ctx, q, ref); err != nil {
				return err
			}
		}
		if err := q.DeleteVersionsByName(ctx, gendb.DeleteVersionsByNameParams{PackageID: pkg.ID, Versions: []string{version}}); err != nil {
			return db.Translate(err)
		}
		if err := search.Enqueue(ctx, q, search.PackageChanged(repo.ID, pkg.ID)); err != nil {
			return err
		}
		return db.Translate(q.DeletePackageIfEmpty(ctx, pkg.ID))
	})
}

// ListPackages pages a repository's packages whose normalized name
// contains filter, with the total, in the order sort names: name (the
// default for ""), -name, updated or -updated. Formats that list their own
// content (PackageSource) keep their order.
func (s *Service) ListPackages(ctx context.Context, repo domain.Repository, filter, sort string, limit, offset int32) ([]Package, int64, error) {
	f, err := format(repo)
	if err != nil {
		return nil, 0, err
	}
	q := s.q()
	if src, ok := f.(PackageSource); ok {
		return src.ListPackages(ctx, q, repo, filter, limit, offset)
	}
	rows, err := q.ListPackages(ctx, gendb.ListPackagesParams{RepositoryID: repo.ID, Q: filter, Sort: sort, Lim: limit, Off: offset})
	if err != nil {
		return nil, 0, db.Translate(err)
	}
	total, err := q.CountPackages(ctx, gendb.CountPackagesParams{RepositoryID: repo.ID, Q: filter})
	if err != nil {
		return nil, 0, db.Translate(err)
	}
	out := make([]Package, len(rows))
	for i, r := range rows {
		out[i] = Package{ID: r.ID, Name: r.Name, NormalizedName: r.NormalizedName, VersionCount: r.VersionCount,
			Size: r.Size, LatestVersion: r.LatestVersion, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	}
	return out, total, nil
}

// GetPackage returns one package by name (in any spelling its format
// normalizes to the same form).
func (s *Service) GetPackage(ctx context.Context, repo domain.Repository, name string) (Package, error) {
	f, err := format(repo)
	if err != nil {
		return Package{}, err
	}
	q := s.q()
	if src, ok := f.(PackageSource); ok {
		p, _, _, err := src.GetVersion(ctx, q, repo, name, "")
		return p, err
	}
	pkg, err := getPackage(ctx, q, f, repo, name)
	if err != nil {
		return Package{}, err
	}
	sum, err := q.GetPackageSummary(ctx, pkg.ID)
	if err != nil {
		return Package{}, db.Translate(err)
	}
	pkg.VersionCount, pkg.Size, pkg.LatestVersion = sum.VersionCount, sum.Size, sum.LatestVersion
	return pkg, nil
}

// ListVersions pages the versions of a package: highest first by the
// format's order when it has one (VersionOrderer), newest first otherwise.
func (s *Service) ListVersions(ctx context.Context, repo domain.Repository, name string, limit, offset int32) ([]Version, int64, error) {
	f, err := format(repo)
	if err != nil {
		return nil, 0, err
	}
	q := s.q()
	if src, ok := f.(PackageSource); ok {
		return src.ListVersions(ctx, q, repo, name, limit, offset)
	}
	pkg, err := getPackage(ctx, q, f, repo, name)
	if err != nil {
		return nil, 0, err
	}
	if o, ok := f.(VersionOrderer); ok {
		rows, err := q.ListAllVersions(ctx, pkg.ID)
		if err != nil {
			return nil, 0, db.Translate(err)
		}
		all := make([]Version, len(rows))
		for i, r := range rows {
			all[i] = versionOf(r.ID, r.Version, r.Metadata, r.CreatedBy, r.FileCount, r.Size, r.CreatedAt, r.UpdatedAt)
		}
		sortVersions(o, all)
		total := int64(len(all))
		lo := min(int64(offset), total)
		hi := min(lo+int64(limit), total)
		return all[lo:hi], total, nil
	}
	rows, err := q.ListVersions(ctx, gendb.ListVersionsParams{PackageID: pkg.ID, Lim: limit, Off: offset})
	if err != nil {
		return nil, 0, db.Translate(err)
	}
	total, err := q.CountVersions(ctx, pkg.ID)
	if err != nil {
		return nil, 0, db.Translate(err)
	}
	out := make([]Version, len(rows))
	for i, r := range rows {
		out[i] = versionOf(r.ID, r.Version, r.Metadata, r.CreatedBy, r.FileCount, r.Size, r.CreatedAt, r.UpdatedAt)
	}
	return out, total, nil
}

// GetVersion returns one version of a package with its files.
func (s *Service) GetVersion(ctx context.Context, repo domain.Repository, name, version string) (Package, Version, []File, error) {
	f, err := format(repo)
	if err != nil {
		return Package{}, Version{}, nil, err
	}
	q := s.q()
	if src, ok := f.(PackageSource); ok {
		return src.GetVersion(ctx, q, repo, name, version)
	}
	pkg, err := getPackage(ctx, q, f, repo, name)
	if err != nil {
		return Package{}, Version{}, nil, err
	}
	r, err := q.GetVersion(ctx, gendb.GetVersionParams{PackageID: pkg.ID, Version: version})
	if err = db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return Package{}, Version{}, nil, domain.Errorf(domain.ErrNotFound, "version %q of %q not found", version, pkg.Name)
		}
		return Package{}, Version{}, nil, err
	}
	rows, err := q.ListPackageFiles(ctx, r.ID)
	if err != nil {
		return Package{}, Version{}, nil, db.Translate(err)
	}
	files := make([]File, len(rows))
	for i, fr := range rows {
		files[i] = File{Name: fr.Name, BlobDigest: fr.BlobDigest, Size: fr.Size, ContentType: fr.ContentType, CreatedAt: fr.CreatedAt}
	}
	return pkg, versionOf(r.ID, r.Version, r.Metadata, r.CreatedBy, r.FileCount, r.Size, r.CreatedAt, r.UpdatedAt), files, nil
}

// RepositoryTotals sums the packages of a repository.
func (s *Service) RepositoryTotals(ctx context.Context, repoID int64) (Totals, error) {
	r, err := s.q().GetRepositoryPackageTotals(ctx, repoID)
	if err != nil {
		return Totals{}, db.Translate(err)
	}
	return Totals{Packages: r.Packages, Versions: r.Versions, Files: r.Files, Size: r.Size, StoredSize: r.StoredSize}, nil
}

func getPackage(ctx context.Context, q *db.Queries, f Format, repo domain.Repository, name string) (Package, error) {
	norm, err := f.NormalizeName(name)
	if err != nil {
		return Package{}, err
	}
	row, err := q.GetPackageByName(ctx, gendb.GetPackageByNameParams{RepositoryID: repo.ID, NormalizedName: norm})
	if err = db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return Package{}, domain.Errorf(domain.ErrNotFound, "package %q not found", name)
		}
		return Package{}, err
	}
	return packageOf(row), nil
}

func packageOf(r gendb.Package) Package {
	return Package{ID: r.ID, Name: r.Name, NormalizedName: r.NormalizedName, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func versionOf(id int64, version string, meta json.RawMessage, by string, files, size int64, created, updated time.Time) Version {
	return Version{ID: id, Version: version, Metadata: meta, CreatedBy: by, FileCount: files, Size: size, CreatedAt: created, UpdatedAt: updated}
}

// DecodeMetadata reads a version's metadata into its format's type
// (ImageMetadata for docker).
func DecodeMetadata[T any](v Version) (T, error) {
	var out T
	if err := json.Unmarshal(metadata(v.Metadata), &out); err != nil {
		return out, fmt.Errorf("metadata of version %s: %w", v.Version, err)
	}
	return out, nil
}

func metadata(m json.RawMessage) json.RawMessage {
	if len(m) == 0 {
		return json.RawMessage("{}")
	}
	return m
}
