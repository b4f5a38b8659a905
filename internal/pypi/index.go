package pypi

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/pyspec"
)

// Project is one entry of the root index.
type Project struct {
	Name       string // as first uploaded
	Normalized string // PEP 503
}

// Projects lists every project of a repository by normalized name (the
// root of the simple index). One indexed scan of packages, no join.
func (s *Service) Projects(ctx context.Context, repo domain.Repository) ([]Project, error) {
	rows, err := s.q().ListPyPIProjects(ctx, repo.ID)
	if err != nil {
		return nil, db.Translate(err)
	}
	out := make([]Project, len(rows))
	for i, r := range rows {
		out[i] = Project{Name: r.Name, Normalized: r.NormalizedName}
	}
	return out, nil
}

// File is one distribution file as the simple index lists it.
type File struct {
	Filename       string
	Version        string
	Kind           string
	Size           int64
	SHA256         string
	MD5            string
	Blake2b256     string
	RequiresPython string
	// MetadataSHA256 is the sha256 of the core metadata file (PEP 658), or
	// "" when the file has none.
	MetadataSHA256 string
	Yanked         bool
	YankedReason   string
	UploadedBy     string
	UploadTime     time.Time
}

// ProjectPage is what a project page of the simple index shows.
type ProjectPage struct {
	Project
	Files []File
	// Versions lists every version with a file, in PEP 440 order (PEP 700).
	Versions []string
}

// ProjectFiles returns a project's page; name is normalized first (the
// handler redirects other spellings). A project without live files is
// ErrNotFound.
func (s *Service) ProjectFiles(ctx context.Context, repo domain.Repository, name string) (ProjectPage, error) {
	norm := pyspec.NormalizeName(name)
	q := s.q()
	pkg, err := q.GetPackageByName(ctx, gendb.GetPackageByNameParams{RepositoryID: repo.ID, NormalizedName: norm})
	if err = db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return ProjectPage{}, domain.Errorf(domain.ErrNotFound, "project %q not found", name)
		}
		return ProjectPage{}, err
	}
	rows, err := q.ListPyPIProjectFiles(ctx, gendb.ListPyPIProjectFilesParams{RepositoryID: repo.ID, Project: norm})
	if err != nil {
		return ProjectPage{}, db.Translate(err)
	}
	if len(rows) == 0 {
		return ProjectPage{}, domain.Errorf(domain.ErrNotFound, "project %q not found", name)
	}
	page := ProjectPage{Project: Project{Name: pkg.Name, Normalized: norm}, Files: make([]File, len(rows))}
	seen := map[string]bool{}
	for i, r := range rows {
		page.Files[i] = File{
			Filename: r.Filename, Version: r.Version, Kind: r.Kind, Size: r.Size, SHA256: r.Sha256, MD5: r.Md5, Blake2b256: r.Blake2256,
			RequiresPython: r.RequiresPython, MetadataSHA256: hexOf(r.MetadataDigest),
			Yanked: r.Yanked, YankedReason: r.YankedReason, UploadedBy: r.UploadedBy, UploadTime: r.CreatedAt,
		}
		if !seen[r.Version] {
			seen[r.Version] = true
			page.Versions = append(page.Versions, r.Version)
		}
	}
	sortVersions(page.Versions)
	return page, nil
}

// sortVersions sorts PEP 440 versions lowest first.
func sortVersions(vs []string) {
	slices.SortFunc(vs, func(a, b string) int {
		va, ea := pyspec.ParseVersion(a)
		vb, eb := pyspec.ParseVersion(b)
		if ea != nil || eb != nil {
			return strings.Compare(a, b)
		}
		return pyspec.CompareVersions(va, vb)
	})
}

func hexOf(digest *string) string {
	if digest == nil {
		return ""
	}
	return strings.TrimPrefix(*digest, "sha256:")
}

// MetadataSuffix is what PEP 658 appends to a file's URL to name its core
// metadata file.
const MetadataSuffix = ".metadata"

// FileBlob returns the stored content behind a file URL: a distribution
// file by name, or with MetadataSuffix its core metadata file (PEP 658).
func (s *Service) FileBlob(ctx context.Context, repo domain.Repository, name string) (Blob, error) {
	filename, meta := strings.CutSuffix(name, MetadataSuffix)
	r, err := s.q().GetPyPIFile(ctx, gendb.GetPyPIFileParams{RepositoryID: repo.ID, Filename: filename})
	if err = db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return Blob{}, domain.Errorf(domain.ErrNotFound, "file %q not found", name)
		}
		return Blob{}, err
	}
	if !meta {
		return Blob{Name: r.Filename, Digest: r.BlobDigest, Size: r.Size, StorageKey: r.StorageKey, Modified: r.CreatedAt}, nil
	}
	if r.MetadataDigest == nil || r.MetadataKey == "" {
		return Blob{}, domain.Errorf(domain.ErrNotFound, "file %q has no metadata file", filename)
	}
	return Blob{Name: name, Digest: *r.MetadataDigest, Size: r.MetadataSize, StorageKey: r.MetadataKey, Modified: r.CreatedAt}, nil
}

// serialTTL is how long a node believes a repository's index serial
// without asking the database again.
//
// Why it is safe: a change made through this node's service forgets the
// remembered serial at once (bumped), so a client that uploads and then
// installs through one node sees its upload; a change made on another node
// shows here at most this long later, the staleness the kit's repository
// lookup cache already accepts for reads (two seconds). What it buys: a
// page served from the page cache costs no database round trip, which is
// what keeps the simple index within reach of static files.
const serialTTL = time.Second

type serialEntry struct {
	serial  int64
	fetched time.Time
}

// serials remembers index serials per repository for serialTTL.
type serials struct {
	mu sync.Mutex
	m  map[int64]serialEntry
}

func (c *serials) get(repo int64, now time.Time) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[repo]
	if !ok || now.Sub(e.fetched) >= serialTTL {
		return 0, false
	}
	return e.serial, true
}

func (c *serials) put(repo, serial int64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10_000 {
		c.m = make(map[int64]serialEntry)
	}
	c.m[repo] = serialEntry{serial: serial, fetched: now}
}

func (c *serials) forget(repo int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, repo)
}

// Serial is the repository's index serial: it grows with every upload,
// yank and delete, in the same transaction, so a page rendered at one
// serial is the page as long as the serial stays (the handler's cache).
// One primary-key read, remembered for serialTTL.
func (s *Service) Serial(ctx context.Context, repo domain.Repository) (int64, error) {
	now := time.Now()
	if n, ok := s.serials.get(repo.ID, now); ok {
		return n, nil
	}
	n, err := s.q().GetPyPISerial(ctx, repo.ID)
	if err != nil {
		return 0, db.Translate(err)
	}
	s.serials.put(repo.ID, n, now)
	return n, nil
}
