package gomod

import (
	"context"
	"io"

	"golang.org/x/mod/semver"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/packages"
)

// maxListed bounds the versions of one module a listing reads.
const maxListed = 100000

// Versions lists the published versions of a module, highest first.
func (s *Service) Versions(ctx context.Context, repo domain.Repository, modPath string) ([]string, error) {
	vs, _, err := s.Packages.ListVersions(ctx, repo, modPath, maxListed, 0)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Version
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

// Get returns a published version with its zip's blob row.
func (s *Service) Get(ctx context.Context, repo domain.Repository, modPath, version string) (Version, error) {
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
