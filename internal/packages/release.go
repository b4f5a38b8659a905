package packages

import (
	"context"
	"errors"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// AddReleaseFileTx adds files to a version, creating the package and the
// version when they are new: for formats whose releases collect their
// files one upload at a time (a PyPI release's wheels and sdist). An
// existing version keeps its metadata and creator; created tells whether
// this call made it. A file name already in the version is ErrConflict.
func AddReleaseFileTx(ctx context.Context, q *db.Queries, repo domain.Repository, nv NewVersion) (pkg Package, v Version, created bool, err error) {
	f, err := format(repo)
	if err != nil {
		return Package{}, Version{}, false, err
	}
	if err := f.ValidateVersion(nv.Version); err != nil {
		return Package{}, Version{}, false, err
	}
	pkg, err = CreateOrGetPackageTx(ctx, q, repo, nv.Package)
	if err != nil {
		return Package{}, Version{}, false, err
	}
	row, err := q.InsertVersionIfAbsent(ctx, gendb.InsertVersionIfAbsentParams{PackageID: pkg.ID, Version: nv.Version, Metadata: metadata(nv.Metadata), CreatedBy: nv.CreatedBy})
	if err != nil {
		return Package{}, Version{}, false, db.Translate(err)
	}
	v = versionOf(row.ID, row.Version, row.Metadata, row.CreatedBy, 0, 0, row.CreatedAt, row.UpdatedAt)
	created = row.Inserted
	if !created {
		// Count what the version already holds.
		got, err := q.GetVersion(ctx, gendb.GetVersionParams{PackageID: pkg.ID, Version: nv.Version})
		if err != nil {
			return Package{}, Version{}, false, db.Translate(err)
		}
		v.FileCount, v.Size = got.FileCount, got.Size
	}
	for _, nf := range nv.Files {
		if err := AttachFileTx(ctx, q, v.ID, nf); err != nil {
			return Package{}, Version{}, false, err
		}
		v.FileCount++
		v.Size += nf.Size
	}
	return pkg, v, created, nil
}

// DeleteFileTx detaches one file of a version; the version goes with its
// last file, and the package with its last version. A missing file is
// ErrNotFound.
func DeleteFileTx(ctx context.Context, q *db.Queries, repo domain.Repository, pkg Package, v Version, name string) error {
	n, err := q.DeletePackageFileByName(ctx, gendb.DeletePackageFileByNameParams{VersionID: v.ID, Name: name})
	if err != nil {
		return db.Translate(err)
	}
	if n == 0 {
		return domain.Errorf(domain.ErrNotFound, "file %q not found in %s %s", name, pkg.Name, v.Version)
	}
	left, err := q.CountPackageFiles(ctx, v.ID)
	if err != nil {
		return db.Translate(err)
	}
	if left > 0 {
		return nil
	}
	return DeleteVersionsTx(ctx, q, repo, pkg.Name, []string{v.Version})
}

// GetVersionTx returns one version of a package (by any spelling of its
// name) inside a transaction the caller holds.
func GetVersionTx(ctx context.Context, q *db.Queries, repo domain.Repository, name, version string) (Package, Version, error) {
	f, err := format(repo)
	if err != nil {
		return Package{}, Version{}, err
	}
	pkg, err := getPackage(ctx, q, f, repo, name)
	if err != nil {
		return Package{}, Version{}, err
	}
	r, err := q.GetVersion(ctx, gendb.GetVersionParams{PackageID: pkg.ID, Version: version})
	if err = db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return Package{}, Version{}, domain.Errorf(domain.ErrNotFound, "version %q of %q not found", version, pkg.Name)
		}
		return Package{}, Version{}, err
	}
	return pkg, versionOf(r.ID, r.Version, r.Metadata, r.CreatedBy, r.FileCount, r.Size, r.CreatedAt, r.UpdatedAt), nil
}
