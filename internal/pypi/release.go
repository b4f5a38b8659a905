package pypi

import (
	"context"
	"time"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/packages"
	"github.com/kodera-packages/kodera/internal/pyspec"
)

// Release is one version of a project with its metadata and files.
type Release struct {
	Project
	Version   string
	Metadata  packages.PyPIMetadata
	Files     []File
	Yanked    bool
	Reason    string
	CreatedBy string
	CreatedAt time.Time
}

// NormalizeVersion returns the stored spelling of a version (PEP 440
// normalized: "1.0.0-RC1" is "1.0.0rc1"); a bad one is ErrNotFound, as no
// such version can exist.
func NormalizeVersion(v string) (string, error) {
	n, err := pyspec.NormalizeVersion(v)
	if err != nil {
		return "", domain.Errorf(domain.ErrNotFound, "version %q not found: not a PEP 440 version", v)
	}
	return n, nil
}

// Release returns one version of a project (both in any spelling).
func (s *Service) Release(ctx context.Context, repo gendb.Repository, name, version string) (Release, error) {
	version, err := NormalizeVersion(version)
	if err != nil {
		return Release{}, err
	}
	pkg, v, _, err := s.packages.GetVersion(ctx, repo, name, version)
	if err != nil {
		return Release{}, err
	}
	meta, err := packages.DecodeMetadata[packages.PyPIMetadata](v)
	if err != nil {
		return Release{}, err
	}
	rows, err := s.q().ListPyPIVersionFiles(ctx, &v.ID)
	if err != nil {
		return Release{}, db.Translate(err)
	}
	rel := Release{Project: Project{Name: pkg.Name, Normalized: pkg.NormalizedName}, Version: v.Version, Metadata: meta, CreatedBy: v.CreatedBy, CreatedAt: v.CreatedAt}
	for _, r := range rows {
		rel.Files = append(rel.Files, File{
			Filename: r.Filename, Version: r.Version, Kind: r.Kind, Size: r.Size, SHA256: r.Sha256, MD5: r.Md5, Blake2b256: r.Blake2256,
			RequiresPython: r.RequiresPython, MetadataSHA256: hexOf(r.MetadataDigest),
			Yanked: r.Yanked, YankedReason: r.YankedReason, UploadedBy: r.UploadedBy, UploadTime: r.CreatedAt,
		})
		if r.Yanked {
			rel.Yanked, rel.Reason = true, r.YankedReason
		}
	}
	return rel, nil
}

// Latest is the version a project's JSON describes, as PyPI picks it: the
// highest final release not yanked, else the highest not yanked, else the
// highest.
func Latest(page ProjectPage) string {
	yanked := map[string]bool{}
	live := map[string]bool{}
	for _, f := range page.Files {
		if f.Yanked {
			yanked[f.Version] = true
		} else {
			live[f.Version] = true
		}
	}
	pick := func(ok func(string) bool) string {
		for i := len(page.Versions) - 1; i >= 0; i-- {
			if ok(page.Versions[i]) {
				return page.Versions[i]
			}
		}
		return ""
	}
	if v := pick(func(v string) bool {
		pv, err := pyspec.ParseVersion(v)
		return live[v] && err == nil && !pv.IsPrerelease()
	}); v != "" {
		return v
	}
	if v := pick(func(v string) bool { return live[v] }); v != "" {
		return v
	}
	return pick(func(string) bool { return true })
}
