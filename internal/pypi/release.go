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

// canonical is a version's release key: its normalized form with the
// trailing zeros of its release dropped (1.0.0 -> 1), as PyPI compares
// releases.
func canonical(v pyspec.Version) string {
	for len(v.Release) > 1 && v.Release[len(v.Release)-1] == "0" {
		v.Release = v.Release[:len(v.Release)-1]
	}
	return v.String()
}

// storedVersion is the spelling a version is stored under: the one its
// release was first uploaded with (1.0 when asked for 1.0.0), else its
// normalized form. A string that is no PEP 440 version is ErrNotFound.
func (s *Service) storedVersion(ctx context.Context, q *gendb.Queries, repo domain.Repository, name, version string) (string, error) {
	v, err := pyspec.ParseVersion(version)
	if err != nil {
		return "", domain.Errorf(domain.ErrNotFound, "version %q not found: not a PEP 440 version", version)
	}
	got, err := q.GetPyPIReleaseVersion(ctx, gendb.GetPyPIReleaseVersionParams{RepositoryID: repo.ID, Project: pyspec.NormalizeName(name), CanonicalVersion: canonical(v)})
	if err != nil {
		return "", db.Translate(err)
	}
	if got == "" {
		return v.String(), nil
	}
	return got, nil
}

// Release returns one version of a project (both in any spelling).
func (s *Service) Release(ctx context.Context, repo domain.Repository, name, version string) (Release, error) {
	version, err := s.storedVersion(ctx, s.q(), repo, name, version)
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
