package api

import (
	"context"
	"strings"

	"github.com/kodera-packages/kodera/gen/api"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/packages"
	"github.com/kodera-packages/kodera/internal/pyspec"
	"github.com/kodera-packages/kodera/internal/repository"
)

// pypiRepository loads a pypi repository for an action through the
// decision function; other types are 404 like absent ones.
func (s *Server) pypiRepository(ctx context.Context, name string, act auth.Action) (domain.Repository, error) {
	return s.repository(ctx, name, repository.TypePyPI, act)
}

func pypiPackage(p packages.Package) api.PypiPackage {
	return api.PypiPackage{Name: p.Name, NormalizedName: p.NormalizedName, VersionCount: p.VersionCount, Size: p.Size,
		LatestVersion: p.LatestVersion, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

// ListPypiPackages implements GET /api/v1/repositories/{name}/pypi/packages.
func (s *Server) ListPypiPackages(ctx context.Context, req api.ListPypiPackagesRequestObject) (api.ListPypiPackagesResponseObject, error) {
	repo, err := s.pypiRepository(ctx, req.Name, auth.ActionRead)
	if err != nil {
		return nil, err
	}
	by, err := sortParam(req.Params.Sort, "name", byNameOrUpdated...)
	if err != nil {
		return nil, err
	}
	limit, offset := page(req.Params.Limit, req.Params.Offset)
	// The filter applies to normalized names, so it is normalized too.
	pkgs, total, err := s.PyPI.Packages(ctx, repo, pyspec.NormalizeName(deref(req.Params.Q)), by, limit, offset)
	if err != nil {
		return nil, err
	}
	out := api.ListPypiPackages200JSONResponse{Items: make([]api.PypiPackage, len(pkgs)), Total: total, Limit: int(limit), Offset: int(offset)}
	for i, p := range pkgs {
		out.Items[i] = pypiPackage(p)
	}
	return out, nil
}

// GetPypiPackage implements GET /api/v1/repositories/{name}/pypi/packages/{project}.
func (s *Server) GetPypiPackage(ctx context.Context, req api.GetPypiPackageRequestObject) (api.GetPypiPackageResponseObject, error) {
	repo, err := s.pypiRepository(ctx, req.Name, auth.ActionRead)
	if err != nil {
		return nil, err
	}
	p, err := s.PyPI.Package(ctx, repo, req.Project)
	if err != nil {
		return nil, err
	}
	return api.GetPypiPackage200JSONResponse(pypiPackage(p)), nil
}

// ListPypiVersions implements GET /api/v1/repositories/{name}/pypi/packages/{project}/versions.
func (s *Server) ListPypiVersions(ctx context.Context, req api.ListPypiVersionsRequestObject) (api.ListPypiVersionsResponseObject, error) {
	repo, err := s.pypiRepository(ctx, req.Name, auth.ActionRead)
	if err != nil {
		return nil, err
	}
	limit, offset := page(req.Params.Limit, req.Params.Offset)
	vs, total, err := s.PyPI.Versions(ctx, repo, req.Project, limit, offset)
	if err != nil {
		return nil, err
	}
	out := api.ListPypiVersions200JSONResponse{Items: make([]api.PypiVersion, len(vs)), Total: total, Limit: int(limit), Offset: int(offset)}
	for i, v := range vs {
		item := api.PypiVersion{Version: v.Version.Version, UploadedAt: v.CreatedAt, Yanked: v.Yanked, FileCount: v.FileCount, Size: v.Size}
		if v.CreatedBy != "" {
			by := v.CreatedBy
			item.UploadedBy = &by
		}
		if v.Yanked {
			reason := v.Reason
			item.YankedReason = &reason
		}
		out.Items[i] = item
	}
	return out, nil
}

// GetPypiVersion implements GET /api/v1/repositories/{name}/pypi/packages/{project}/versions/{version}.
func (s *Server) GetPypiVersion(ctx context.Context, req api.GetPypiVersionRequestObject) (api.GetPypiVersionResponseObject, error) {
	repo, err := s.pypiRepository(ctx, req.Name, auth.ActionRead)
	if err != nil {
		return nil, err
	}
	d, err := s.pypiVersion(ctx, repo, req.Project, req.Version)
	if err != nil {
		return nil, err
	}
	return api.GetPypiVersion200JSONResponse(d), nil
}

func (s *Server) pypiVersion(ctx context.Context, repo domain.Repository, project, version string) (api.PypiVersionDetails, error) {
	rel, err := s.PyPI.Release(ctx, repo, project, version)
	if err != nil {
		return api.PypiVersionDetails{}, err
	}
	m := rel.Metadata
	d := api.PypiVersionDetails{
		Project: rel.Name, NormalizedName: rel.Normalized, Version: rel.Version, Yanked: rel.Yanked,
		Summary: m.Summary, Description: m.Description, DescriptionContentType: m.DescriptionContentType,
		Author: m.Author, AuthorEmail: m.AuthorEmail, Maintainer: m.Maintainer, MaintainerEmail: m.MaintainerEmail,
		License: m.License, Keywords: m.Keywords, HomePage: m.HomePage, RequiresPython: m.RequiresPython,
		Dependencies: append([]string{}, m.RequiresDist...), Classifiers: append([]string{}, m.Classifiers...),
		ProjectUrls: []api.PypiProjectUrl{}, UploadedAt: rel.CreatedAt, UploadedBy: rel.CreatedBy, Files: make([]api.PypiFile, len(rel.Files)),
	}
	if rel.Yanked {
		reason := rel.Reason
		d.YankedReason = &reason
	}
	for _, pu := range m.ProjectURLs {
		label, u, ok := strings.Cut(pu, ",")
		if !ok {
			label, u = "", pu
		}
		d.ProjectUrls = append(d.ProjectUrls, api.PypiProjectUrl{Label: strings.TrimSpace(label), Url: strings.TrimSpace(u)})
	}
	for i, f := range rel.Files {
		pf := api.PypiFile{Filename: f.Filename, Type: api.PypiFileType(f.Kind), Size: f.Size, Sha256: f.SHA256,
			UploadedAt: f.UploadTime, UploadedBy: f.UploadedBy,
			DownloadUrl: packages.PyPI{}.DownloadPath(repo.Name, rel.Normalized, rel.Version, packages.File{Name: f.Filename})}
		if f.RequiresPython != "" {
			rp := f.RequiresPython
			pf.RequiresPython = &rp
		}
		d.Files[i] = pf
	}
	return d, nil
}

// UpdatePypiVersion implements PATCH /api/v1/repositories/{name}/pypi/packages/{project}/versions/{version}:
// yank or unyank (PEP 592), which needs write.
func (s *Server) UpdatePypiVersion(ctx context.Context, req api.UpdatePypiVersionRequestObject) (api.UpdatePypiVersionResponseObject, error) {
	repo, err := s.pypiRepository(ctx, req.Name, auth.ActionWrite)
	if err != nil {
		return nil, err
	}
	reason := ""
	if req.Body.YankedReason != nil {
		reason = strings.TrimSpace(*req.Body.YankedReason)
	}
	if err := s.PyPI.SetYanked(ctx, repo, req.Project, req.Version, req.Body.Yanked, reason); err != nil {
		return nil, err
	}
	d, err := s.pypiVersion(ctx, repo, req.Project, req.Version)
	if err != nil {
		return nil, err
	}
	return api.UpdatePypiVersion200JSONResponse(d), nil
}

// DeletePypiVersion implements DELETE /api/v1/repositories/{name}/pypi/packages/{project}/versions/{version}.
func (s *Server) DeletePypiVersion(ctx context.Context, req api.DeletePypiVersionRequestObject) (api.DeletePypiVersionResponseObject, error) {
	repo, err := s.pypiRepository(ctx, req.Name, auth.ActionDelete)
	if err != nil {
		return nil, err
	}
	if err := s.PyPI.DeleteRelease(ctx, repo, req.Project, req.Version); err != nil {
		return nil, err
	}
	return api.DeletePypiVersion204Response{}, nil
}

// DeletePypiFile implements DELETE /api/v1/repositories/{name}/pypi/packages/{project}/versions/{version}/files/{filename}.
func (s *Server) DeletePypiFile(ctx context.Context, req api.DeletePypiFileRequestObject) (api.DeletePypiFileResponseObject, error) {
	repo, err := s.pypiRepository(ctx, req.Name, auth.ActionDelete)
	if err != nil {
		return nil, err
	}
	if err := s.PyPI.DeleteFile(ctx, repo, req.Project, req.Version, req.Filename); err != nil {
		return nil, err
	}
	return api.DeletePypiFile204Response{}, nil
}
