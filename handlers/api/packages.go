package api

import (
	"context"
	"encoding/json"

	"github.com/kodera-packages/kodera/gen/api"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/packages"
)

// The generic package views (tag packages): the same three reads for every
// format, answered by internal/packages; formats keep richer views of
// their own beside them (docker.go).

// ListPackages implements GET /api/v1/repositories/{name}/packages.
func (s *Server) ListPackages(ctx context.Context, req api.ListPackagesRequestObject) (api.ListPackagesResponseObject, error) {
	repo, err := s.repository(ctx, req.Name, "", auth.ActionRead)
	if err != nil {
		return nil, err
	}
	lim, off := page(req.Params.Limit, req.Params.Offset)
	pkgs, total, err := s.Packages.ListPackages(ctx, repo, deref(req.Params.Q), "", lim, off)
	if err != nil {
		return nil, err
	}
	out := api.ListPackages200JSONResponse{Items: make([]api.Package, len(pkgs)), Total: total, Limit: int(lim), Offset: int(off)}
	for i, p := range pkgs {
		out.Items[i] = packageJSON(p)
	}
	return out, nil
}

// GetPackage implements GET /api/v1/repositories/{name}/packages/{package}.
func (s *Server) GetPackage(ctx context.Context, req api.GetPackageRequestObject) (api.GetPackageResponseObject, error) {
	repo, err := s.repository(ctx, req.Name, "", auth.ActionRead)
	if err != nil {
		return nil, err
	}
	lim, off := page(req.Params.Limit, req.Params.Offset)
	svc := s.Packages
	pkg, err := svc.GetPackage(ctx, repo, req.Package)
	if err != nil {
		return nil, err
	}
	vs, total, err := svc.ListVersions(ctx, repo, req.Package, lim, off)
	if err != nil {
		return nil, err
	}
	out := api.GetPackage200JSONResponse{Package: packageJSON(pkg), Items: make([]api.PackageVersion, len(vs)), Total: total, Limit: int(lim), Offset: int(off)}
	for i, v := range vs {
		out.Items[i] = versionJSON(v)
	}
	return out, nil
}

// GetPackageVersion implements GET /api/v1/repositories/{name}/packages/{package}/versions/{version}.
func (s *Server) GetPackageVersion(ctx context.Context, req api.GetPackageVersionRequestObject) (api.GetPackageVersionResponseObject, error) {
	repo, err := s.repository(ctx, req.Name, "", auth.ActionRead)
	if err != nil {
		return nil, err
	}
	pkg, v, files, err := s.Packages.GetVersion(ctx, repo, req.Package, req.Version)
	if err != nil {
		return nil, err
	}
	pv := versionJSON(v)
	out := api.GetPackageVersion200JSONResponse{
		Repository: repo.Name, Package: pkg.Name, Type: repo.Type, Files: make([]api.PackageFile, len(files)),
		Version: pv.Version, Metadata: pv.Metadata, CreatedBy: pv.CreatedBy, FileCount: pv.FileCount, Size: pv.Size,
		CreatedAt: pv.CreatedAt, UpdatedAt: pv.UpdatedAt,
	}
	for i, f := range files {
		out.Files[i] = api.PackageFile{Name: f.Name, Digest: f.BlobDigest, Size: f.Size, ContentType: f.ContentType, CreatedAt: f.CreatedAt,
			DownloadUrl: downloadURL(repo.Type, repo.Name, pkg.Name, v.Version, f)}
	}
	return out, nil
}

// downloadURL links a file to where its format's protocol serves it.
func downloadURL(repoType, repo, pkg, version string, f packages.File) *string {
	format, _ := packages.Lookup(repoType)
	if l, ok := format.(packages.FileLocator); ok {
		u := l.DownloadPath(repo, pkg, version, f)
		return &u
	}
	return nil
}

func packageJSON(p packages.Package) api.Package {
	return api.Package{Name: p.Name, NormalizedName: p.NormalizedName, VersionCount: p.VersionCount, Size: p.Size,
		LatestVersion: p.LatestVersion, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

func versionJSON(v packages.Version) api.PackageVersion {
	meta := map[string]any{}
	_ = json.Unmarshal(v.Metadata, &meta) // stored by the service: always an object
	return api.PackageVersion{Version: v.Version, Metadata: meta, CreatedBy: v.CreatedBy, FileCount: v.FileCount, Size: v.Size,
		CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
}
