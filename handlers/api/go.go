package api

import (
	"context"
	"net/http"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/kodera-packages/kodera/gen/api"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/origin"
	"github.com/kodera-packages/kodera/internal/packages"
	"github.com/kodera-packages/kodera/internal/repository"
)

// The Go module views (tag go): modules and versions of a go repository,
// published by git push (handlers/git) or by the zip upload below, and
// served to the go command by handlers/goproxy.

// streamedUpload tells the module zip upload apart: its body is streamed
// to the service (bounded by the protocols' upload limit), not read whole
// by the JSON limit and the spec validator.
func streamedUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/go/modules") &&
		strings.HasPrefix(r.URL.Path, "/api/v1/repositories/") &&
		strings.EqualFold(strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0]), "application/zip")
}

// unlessStreamed runs mw on every request but a streamed upload.
func unlessStreamed(mw func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		wrapped := mw(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if streamedUpload(r) {
				next.ServeHTTP(w, r)
				return
			}
			wrapped.ServeHTTP(w, r)
		})
	}
}

func (s *Server) goRepository(ctx context.Context, name string, act auth.Action) (domain.Repository, error) {
	return s.repository(ctx, name, repository.TypeGo, act)
}

func goModuleJSON(ctx context.Context, repo domain.Repository, p packages.Package, gitPath string) api.GoModule {
	base := origin.BaseOf(ctx)
	if gitPath == "" {
		gitPath = p.Name
	}
	return api.GoModule{
		Path: p.Name, VersionCount: p.VersionCount, LatestVersion: p.LatestVersion, UpdatedAt: p.UpdatedAt,
		CloneUrl: base + "/git/" + repo.Name + "/" + gitPath + ".git", ProxyUrl: base + "/api/go/" + repo.Name,
	}
}

func goVersionJSON(module string, v packages.Version, meta packages.GoMetadata) api.GoModuleVersion {
	return api.GoModuleVersion{Module: module, Version: v.Version, Time: meta.Time, Hash: meta.Hash, Commit: meta.Commit,
		Size: v.Size, CreatedBy: v.CreatedBy, CreatedAt: v.CreatedAt}
}

// ListGoModules implements GET /api/v1/repositories/{name}/go/modules.
func (s *Server) ListGoModules(ctx context.Context, req api.ListGoModulesRequestObject) (api.ListGoModulesResponseObject, error) {
	repo, err := s.goRepository(ctx, req.Name, auth.ActionRead)
	if err != nil {
		return nil, err
	}
	by, err := sortParam(req.Params.Sort, "name", byNameOrUpdated...)
	if err != nil {
		return nil, err
	}
	lim, off := page(req.Params.Limit, req.Params.Offset)
	pkgs, total, err := s.Packages.ListPackages(ctx, repo, deref(req.Params.Q), by, lim, off)
	if err != nil {
		return nil, err
	}
	out := api.ListGoModules200JSONResponse{Items: make([]api.GoModule, len(pkgs)), Total: total, Limit: int(lim), Offset: int(off)}
	for i, p := range pkgs {
		out.Items[i] = goModuleJSON(ctx, repo, p, "")
	}
	return out, nil
}

// GetGoModule implements GET /api/v1/repositories/{name}/go/modules/{module}.
func (s *Server) GetGoModule(ctx context.Context, req api.GetGoModuleRequestObject) (api.GetGoModuleResponseObject, error) {
	repo, err := s.goRepository(ctx, req.Name, auth.ActionRead)
	if err != nil {
		return nil, err
	}
	p, err := s.Packages.GetPackage(ctx, repo, req.Module)
	if err != nil {
		return nil, err
	}
	gitPath := ""
	if p.LatestVersion != "" {
		if v, err := s.Go.Get(ctx, repo, p.Name, p.LatestVersion); err == nil {
			gitPath = v.Meta.GitPath
		}
	}
	return api.GetGoModule200JSONResponse(goModuleJSON(ctx, repo, p, gitPath)), nil
}

// ListGoModuleVersions implements GET /api/v1/repositories/{name}/go/modules/{module}/versions.
func (s *Server) ListGoModuleVersions(ctx context.Context, req api.ListGoModuleVersionsRequestObject) (api.ListGoModuleVersionsResponseObject, error) {
	repo, err := s.goRepository(ctx, req.Name, auth.ActionRead)
	if err != nil {
		return nil, err
	}
	lim, off := page(req.Params.Limit, req.Params.Offset)
	p, err := s.Packages.GetPackage(ctx, repo, req.Module)
	if err != nil {
		return nil, err
	}
	vs, total, err := s.Packages.ListVersions(ctx, repo, req.Module, lim, off)
	if err != nil {
		return nil, err
	}
	out := api.ListGoModuleVersions200JSONResponse{Items: make([]api.GoModuleVersion, len(vs)), Total: total, Limit: int(lim), Offset: int(off)}
	for i, v := range vs {
		meta, err := packages.DecodeMetadata[packages.GoMetadata](v)
		if err != nil {
			return nil, err
		}
		out.Items[i] = goVersionJSON(p.Name, v, meta)
	}
	return out, nil
}

// GetGoModuleVersion implements GET /api/v1/repositories/{name}/go/modules/{module}/versions/{version}.
func (s *Server) GetGoModuleVersion(ctx context.Context, req api.GetGoModuleVersionRequestObject) (api.GetGoModuleVersionResponseObject, error) {
	repo, err := s.goRepository(ctx, req.Name, auth.ActionRead)
	if err != nil {
		return nil, err
	}
	_, v, _, err := s.Packages.GetVersion(ctx, repo, req.Module, req.Version)
	if err != nil {
		return nil, err
	}
	gv, err := s.Go.Get(ctx, repo, req.Module, req.Version)
	if err != nil {
		return nil, err
	}
	base := goVersionJSON(gv.Module, v, gv.Meta)
	out := api.GetGoModuleVersion200JSONResponse{
		Module: base.Module, Version: base.Version, Time: base.Time, Hash: base.Hash, Commit: base.Commit,
		Size: base.Size, CreatedBy: base.CreatedBy, CreatedAt: base.CreatedAt,
		GoMod: gv.Meta.GoMod, Requires: []api.GoRequirement{}, Files: make([]api.GoFile, len(gv.Meta.Files)),
		ZipUrl: origin.BaseOf(ctx) + packages.Go{}.DownloadPath(repo.Name, gv.Module, gv.Version, packages.File{}),
	}
	if mf, err := modfile.ParseLax("go.mod", []byte(gv.Meta.GoMod), nil); err == nil {
		for _, r := range mf.Require {
			out.Requires = append(out.Requires, api.GoRequirement{Path: r.Mod.Path, Version: r.Mod.Version, Indirect: r.Indirect})
		}
	}
	for i, f := range gv.Meta.Files {
		out.Files[i] = api.GoFile{Path: f.Path, Size: f.Size}
	}
	readme, err := s.Go.Readme(ctx, gv)
	if err != nil {
		return nil, err
	}
	if readme != "" {
		out.Readme = &readme
	}
	return out, nil
}

// DeleteGoModuleVersion implements DELETE /api/v1/repositories/{name}/go/modules/{module}/versions/{version}.
func (s *Server) DeleteGoModuleVersion(ctx context.Context, req api.DeleteGoModuleVersionRequestObject) (api.DeleteGoModuleVersionResponseObject, error) {
	repo, err := s.goRepository(ctx, req.Name, auth.ActionDelete)
	if err != nil {
		return nil, err
	}
	if err := s.Go.Delete(ctx, repo, req.Module, req.Version); err != nil {
		return nil, err
	}
	return api.DeleteGoModuleVersion204Response{}, nil
}

// UploadGoModule implements POST /api/v1/repositories/{name}/go/modules:
// the body is a module zip, streamed to the service.
func (s *Server) UploadGoModule(ctx context.Context, req api.UploadGoModuleRequestObject) (api.UploadGoModuleResponseObject, error) {
	repo, err := s.goRepository(ctx, req.Name, auth.ActionWrite)
	if err != nil {
		return nil, err
	}
	p, err := s.Go.UploadZip(ctx, repo, req.Body, auth.FromContext(ctx).Name)
	if err != nil {
		return nil, err
	}
	v, err := s.Go.Get(ctx, repo, p.Module, p.Version)
	if err != nil {
		return nil, err
	}
	return api.UploadGoModule201JSONResponse{Module: v.Module, Version: v.Version, Time: v.Meta.Time, Hash: v.Meta.Hash,
		Size: v.Zip.Size, CreatedBy: auth.FromContext(ctx).Name, CreatedAt: v.Meta.Time}, nil
}
