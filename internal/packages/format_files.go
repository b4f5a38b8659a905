package packages

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/repository"
)

// Files is the format of plain file repositories. They keep their tree
// (internal/files, one row per file or folder) rather than writing
// packages: a path has no versions, and a PUT replaces it. The format is
// registered all the same, so that a repository's type always has a
// description (names, connect text), and the package views answer for
// files repositories with the tree's files: each file is a package of one
// version, named "latest" (Files is a PackageSource).
type Files struct{}

// FilesVersion is the one version a file of a files repository has in the
// package views.
const FilesVersion = "latest"

// maxFilePath mirrors repository_files' path bound (migration 00020).
const maxFilePath = 1024

// Type implements Format.
func (Files) Type() string { return repository.TypeFiles }

// NormalizeName implements Format: a package is a file path, compared
// exactly (file systems and URLs are case-sensitive); a leading slash is
// dropped. The tree's own rules (segments, reserved names) are checked by
// internal/files when the file is written.
func (Files) NormalizeName(name string) (string, error) {
	p := strings.TrimPrefix(name, "/")
	if p == "" || len(p) > maxFilePath || !utf8.ValidString(p) || strings.ContainsRune(p, 0) || strings.HasSuffix(p, "/") {
		return "", domain.Errorf(domain.ErrInvalid, "file path %q: use 1-%d bytes of UTF-8 naming a file, not a folder", name, maxFilePath)
	}
	return p, nil
}

// ValidateVersion implements Format: files have the one version "latest".
func (Files) ValidateVersion(v string) error {
	if v != FilesVersion {
		return domain.Errorf(domain.ErrInvalid, "files have no versions but %q", FilesVersion)
	}
	return nil
}

// DownloadPath implements FileLocator: the raw files protocol serves the
// path (each segment escaped).
func (Files) DownloadPath(repo, pkg, _ string, _ File) string {
	segs := strings.Split(pkg, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return "/api/files/" + repo + "/" + strings.Join(segs, "/")
}

// Connect implements Format (the same commands as the UI's Connect dialog).
func (Files) Connect(c ConnectInfo) []ConnectStep {
	fileURL := fmt.Sprintf("%s/api/files/%s/path/file.tar.gz", c.BaseURL, c.Repository)
	u := c.user()
	return []ConnectStep{
		{Title: "Upload a file", Snippet: fmt.Sprintf("curl -u %s:<token> -T ./file.tar.gz %s", u, fileURL)},
		{Title: "Download a file", Snippet: fmt.Sprintf("curl -u %s:<token> -O %s", u, fileURL)},
		{Title: "Delete a file", Snippet: fmt.Sprintf("curl -u %s:<token> -X DELETE %s", u, fileURL)},
	}
}

// ListPackages implements PackageSource: the files of the tree (not its
// folders) whose path contains filter, by path.
func (Files) ListPackages(ctx context.Context, q *db.Queries, repo domain.Repository, filter string, limit, offset int32) ([]Package, int64, error) {
	rows, err := q.ListTreeFilesAsPackages(ctx, gendb.ListTreeFilesAsPackagesParams{RepositoryID: repo.ID, Q: filter, Lim: limit, Off: offset})
	if err != nil {
		return nil, 0, db.Translate(err)
	}
	total, err := q.CountTreeFilesAsPackages(ctx, gendb.CountTreeFilesAsPackagesParams{RepositoryID: repo.ID, Q: filter})
	if err != nil {
		return nil, 0, db.Translate(err)
	}
	out := make([]Package, len(rows))
	for i, r := range rows {
		out[i] = Package{ID: r.ID, Name: r.Path, NormalizedName: r.Path, VersionCount: 1, Size: r.Size,
			LatestVersion: FilesVersion, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	}
	return out, total, nil
}

// ListVersions implements PackageSource: a file has the one version "latest".
func (f Files) ListVersions(ctx context.Context, q *db.Queries, repo domain.Repository, name string, _, offset int32) ([]Version, int64, error) {
	_, v, _, err := f.GetVersion(ctx, q, repo, name, FilesVersion)
	if err != nil {
		return nil, 0, err
	}
	if offset > 0 {
		return []Version{}, 1, nil
	}
	return []Version{v}, 1, nil
}

// GetVersion implements PackageSource: the file at path name, as the one
// version "latest" with itself as its one file.
func (f Files) GetVersion(ctx context.Context, q *db.Queries, repo domain.Repository, name, version string) (Package, Version, []File, error) {
	norm, err := f.NormalizeName(name)
	if err != nil {
		return Package{}, Version{}, nil, err
	}
	r, err := q.GetTreeFileAsPackage(ctx, gendb.GetTreeFileAsPackageParams{RepositoryID: repo.ID, Path: norm})
	if err = db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return Package{}, Version{}, nil, domain.Errorf(domain.ErrNotFound, "package %q not found", name)
		}
		return Package{}, Version{}, nil, err
	}
	if version != "" && version != FilesVersion {
		return Package{}, Version{}, nil, domain.Errorf(domain.ErrNotFound, "version %q of %q not found: files have only %q", version, r.Path, FilesVersion)
	}
	digest := ""
	if r.BlobDigest != nil {
		digest = *r.BlobDigest
	}
	meta, _ := json.Marshal(map[string]any{"path": r.Path, "digest": digest, "contentType": r.ContentType})
	p := Package{ID: r.ID, Name: r.Path, NormalizedName: r.Path, VersionCount: 1, Size: r.Size, LatestVersion: FilesVersion, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	v := Version{ID: r.ID, Version: FilesVersion, Metadata: meta, CreatedBy: r.UploadedBy, FileCount: 1, Size: r.Size, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	files := []File{{Name: r.Path, BlobDigest: digest, Size: r.Size, ContentType: r.ContentType, CreatedAt: r.UpdatedAt}}
	return p, v, files, nil
}
