package gomod

import (
	"archive/zip"
	"context"
	"io"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/audit"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/packages"
)

// maxListed bounds the versions of one module a listing reads.
const maxListed = 100000

// Versions lists the published versions of a module, highest first,
// without the pseudo-versions of resolved branches (the proxy protocol's
// @v/list lists tagged versions only).
func (s *Service) Versions(ctx context.Context, repo domain.Repository, modPath string) ([]string, error) {
	vs, _, err := s.Packages.ListVersions(ctx, repo, modPath, maxListed, 0)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if !module.IsPseudoVersion(v.Version) {
			out = append(out, v.Version)
		}
	}
	return out, nil
}

// Latest is the version @latest answers: the highest release, else the
// highest pre-release (go.dev/ref/mod#version-queries).
func (s *Service) Latest(ctx context.Context, repo domain.Repository, modPath string) (string, error) {
	vs, err := s.Versions(ctx, repo, modPath)
	if err != nil {
		return "", err
	}
	for _, v := range vs {
		if semver.Prerelease(v) == "" {
			return v, nil
		}
	}
	if len(vs) == 0 {
		return "", domain.Errorf(domain.ErrNotFound, "module %s has no versions", modPath)
	}
	return vs[0], nil
}

// Version is one published version as the proxy serves it.
type Version struct {
	Module  string
	Version string
	Meta    packages.GoMetadata
	Zip     gendb.Blob
}

// versionCacheTTL is how long a node believes a version it read (.info,
// .mod, .zip are read by version, over and over, by every go command).
//
// Why it is safe: a version is immutable (Publish refuses other content
// for an existing one), so the only change a cached entry can miss is a
// delete, and Delete drops the entry on its own node at once: another node
// may serve a deleted version for at most this long, which the go command
// cannot tell from having fetched it a moment earlier (it caches versions
// forever). Listings (@v/list, @latest) are never cached, nor is access:
// the kit decides each request.
const versionCacheTTL = 2 * time.Second

const versionCacheMax = 16384

type versionKey struct {
	repo            int64
	module, version string
}

type versionEntry struct {
	v       Version
	expires time.Time
}

// versionCache remembers Get answers for versionCacheTTL.
type versionCache struct {
	mu sync.Mutex
	m  map[versionKey]versionEntry
}

func (c *versionCache) get(k versionKey, now time.Time) (Version, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || !now.Before(e.expires) {
		return Version{}, false
	}
	return e.v, true
}

func (c *versionCache) put(k versionKey, v Version, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= versionCacheMax {
		c.m = make(map[versionKey]versionEntry)
	}
	c.m[k] = versionEntry{v: v, expires: now.Add(versionCacheTTL)}
}

func (c *versionCache) drop(k versionKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, k)
}

// Get returns a published version with its zip's blob row.
func (s *Service) Get(ctx context.Context, repo domain.Repository, modPath, version string) (Version, error) {
	key := versionKey{repo.ID, modPath, version}
	now := time.Now()
	if v, ok := s.cache.get(key, now); ok {
		return v, nil
	}
	v, err := s.get(ctx, repo, modPath, version)
	if err != nil {
		return Version{}, err
	}
	s.cache.put(key, v, now)
	return v, nil
}

func (s *Service) get(ctx context.Context, repo domain.Repository, modPath, version string) (Version, error) {
	pkg, v, files, err := s.Packages.GetVersion(ctx, repo, modPath, version)
	if err != nil {
		return Version{}, err
	}
	meta, err := packages.DecodeMetadata[packages.GoMetadata](v)
	if err != nil {
		return Version{}, err
	}
	out := Version{Module: pkg.Name, Version: v.Version, Meta: meta}
	for _, f := range files {
		if f.Name == packages.GoZipName {
			if out.Zip, err = s.Blobs.Get(ctx, f.BlobDigest); err != nil {
				return Version{}, err
			}
			return out, nil
		}
	}
	return Version{}, domain.Errorf(domain.ErrNotFound, "%s@%s has no module zip", modPath, version)
}

// OpenZip reads [offset, offset+length) of a version's zip.
func (s *Service) OpenZip(ctx context.Context, v Version, offset, length int64) (io.ReadCloser, error) {
	return s.Blobs.Open(ctx, v.Zip, offset, length)
}

// maxReadme bounds the README a version view shows.
const maxReadme = 1 << 20

// Readme returns the README.md (else README) at the module's root in its
// zip, read through ranged reads of the stored blob (the central directory
// and the one entry), or "" when there is none.
func (s *Service) Readme(ctx context.Context, v Version) (string, error) {
	zr, err := zip.NewReader(&blobReaderAt{ctx: ctx, s: s, v: v}, v.Zip.Size)
	if err != nil {
		return "", err
	}
	prefix := v.Module + "@" + v.Version + "/"
	var found *zip.File
	for _, f := range zr.File {
		switch strings.TrimPrefix(f.Name, prefix) {
		case "README.md":
			found = f
		case "README":
			if found == nil {
				found = f
			}
		}
	}
	if found == nil {
		return "", nil
	}
	rc, err := found.Open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxReadme))
	return string(b), err
}

// blobReaderAt reads a stored zip with ranged reads.
type blobReaderAt struct {
	ctx context.Context
	s   *Service
	v   Version
}

func (b *blobReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= b.v.Zip.Size {
		return 0, io.EOF
	}
	n := min(int64(len(p)), b.v.Zip.Size-off)
	rc, err := b.s.OpenZip(b.ctx, b.v, off, n)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	got, err := io.ReadFull(rc, p[:n])
	if err == nil && int64(got) < int64(len(p)) {
		err = io.EOF
	}
	return got, err
}

// Delete removes a published version (the git tag stays: the Go ecosystem
// prefers a retract directive) and audits it as go.delete.
func (s *Service) Delete(ctx context.Context, repo domain.Repository, modPath, version string) error {
	if err := s.Packages.DeleteVersion(ctx, repo, modPath, version); err != nil {
		return err
	}
	s.cache.drop(versionKey{repo.ID, modPath, version})
	return audit.Record(ctx, gendb.New(s.Pool), audit.Event{Action: "go.delete", Target: repo.Name + "/" + modPath + "@" + version})
}
