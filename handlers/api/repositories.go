package api

import (
	"context"

	"github.com/kodera-packages/kodera/gen/api"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/repository"
)

// ListRepositories implements GET /api/v1/repositories: only what the
// caller may read, as the decision function's Visible predicate says.
func (s *Server) ListRepositories(ctx context.Context, req api.ListRepositoriesRequestObject) (api.ListRepositoriesResponseObject, error) {
	v, err := s.Authz.Visible(ctx, auth.FromContext(ctx))
	if err != nil {
		return nil, err
	}
	prm := req.Params
	by, err := sortParam(prm.Sort, "name", byNameOrUpdated...)
	if err != nil {
		return nil, err
	}
	lim, off := page(prm.Limit, prm.Offset)
	f := repository.RepositoryFilter{Q: deref(prm.Q), Sort: by, Limit: lim, Offset: off}
	if prm.Type != nil {
		t := string(*prm.Type)
		f.Type = &t
	}
	rows, total, err := s.Repositories.List(ctx, v, f)
	if err != nil {
		return nil, err
	}
	items := make([]api.Repository, len(rows))
	for i, r := range rows {
		items[i] = apiRepository(domain.Repository{
			ID: r.ID, Name: r.Name, Type: r.Type, Description: r.Description, Visibility: r.Visibility,
			Immutable: r.Immutable, OwnerID: r.OwnerID, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		}, r.OwnerName)
	}
	return api.ListRepositories200JSONResponse{Items: items, Total: total, Limit: int(lim), Offset: int(off)}, nil
}

// CreateRepository implements POST /api/v1/repositories.
func (s *Server) CreateRepository(ctx context.Context, req api.CreateRepositoryRequestObject) (api.CreateRepositoryResponseObject, error) {
	p := auth.FromContext(ctx)
	if p.IsAnonymous() {
		return nil, errLogin
	}
	if p.Kind == auth.KindService {
		return nil, domain.Errorf(domain.ErrForbidden, "service accounts cannot create repositories: a repository is owned by the user who creates it")
	}
	if !auth.MayCreateRepository(p) {
		return nil, domain.Errorf(domain.ErrForbidden, "only users may create repositories, through a token only with the admin scope and no repository limit")
	}
	b := req.Body
	repo, err := s.Repositories.Create(ctx, repository.NewRepository{
		Name: b.Name, Type: string(b.Type), Description: deref(b.Description), Visibility: string(deref(b.Visibility)), OwnerID: &p.ID,
	})
	if err != nil {
		return nil, err
	}
	out := apiRepository(repo, &p.Name)
	access := api.RepositoryAccess(auth.LevelName(auth.LevelAdmin))
	out.Access = &access
	return api.CreateRepository201JSONResponse(out), nil
}

// GetRepository implements GET /api/v1/repositories/{name}.
func (s *Server) GetRepository(ctx context.Context, req api.GetRepositoryRequestObject) (api.GetRepositoryResponseObject, error) {
	repo, err := s.repository(ctx, req.Name, "", auth.ActionRead)
	if err != nil {
		return nil, err
	}
	out, err := s.describeRepository(ctx, repo)
	return api.GetRepository200JSONResponse(out), err
}

// UpdateRepository implements PATCH /api/v1/repositories/{name}.
func (s *Server) UpdateRepository(ctx context.Context, req api.UpdateRepositoryRequestObject) (api.UpdateRepositoryResponseObject, error) {
	repo, err := s.repository(ctx, req.Name, "", auth.ActionAdmin)
	if err != nil {
		return nil, err
	}
	b := req.Body
	c := repository.RepositoryChange{Description: b.Description, Immutable: b.Immutable}
	if b.Visibility != nil {
		v := string(*b.Visibility)
		c.Visibility = &v
	}
	repo, err = s.Repositories.Update(ctx, repo, c)
	if err != nil {
		return nil, err
	}
	out, err := s.describeRepository(ctx, repo)
	return api.UpdateRepository200JSONResponse(out), err
}

// DeleteRepository implements DELETE /api/v1/repositories/{name}.
func (s *Server) DeleteRepository(ctx context.Context, req api.DeleteRepositoryRequestObject) (api.DeleteRepositoryResponseObject, error) {
	repo, err := s.repository(ctx, req.Name, "", auth.ActionAdmin)
	if err != nil {
		return nil, err
	}
	if err := s.Repositories.Delete(ctx, repo); err != nil {
		return nil, err
	}
	return api.DeleteRepository204Response{}, nil
}

// describeRepository adds the owner's name and the caller's access level.
func (s *Server) describeRepository(ctx context.Context, repo domain.Repository) (api.Repository, error) {
	var owner *string
	if repo.OwnerID != nil {
		if u, err := s.Identity.User(ctx, *repo.OwnerID); err == nil {
			owner = &u.Username
		}
	}
	out := apiRepository(repo, owner)
	level, err := s.Authz.EffectiveLevel(ctx, auth.FromContext(ctx), repo)
	if err != nil {
		return out, err
	}
	if name := auth.LevelName(level); name != "" {
		a := api.RepositoryAccess(name)
		out.Access = &a
	}
	return out, nil
}
