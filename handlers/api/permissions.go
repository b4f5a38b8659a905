package api

import (
	"context"

	"github.com/kodera-packages/kodera/gen/api"
	"github.com/kodera-packages/kodera/internal/auth"
)

// ListPermissions implements GET /api/v1/repositories/{name}/permissions.
func (s *Server) ListPermissions(ctx context.Context, req api.ListPermissionsRequestObject) (api.ListPermissionsResponseObject, error) {
	repo, err := s.repository(ctx, req.Name, "", auth.ActionAdmin)
	if err != nil {
		return nil, err
	}
	gs, err := s.Identity.ListGrants(ctx, repo)
	if err != nil {
		return nil, err
	}
	items, total, lim, off := pageOf(gs, req.Params.Limit, req.Params.Offset)
	out := api.ListPermissions200JSONResponse{Items: make([]api.Permission, len(items)), Total: total, Limit: lim, Offset: off}
	for i, g := range items {
		out.Items[i] = apiGrant(g)
	}
	return out, nil
}

// PutPermission implements PUT /api/v1/repositories/{name}/permissions/{principal}.
func (s *Server) PutPermission(ctx context.Context, req api.PutPermissionRequestObject) (api.PutPermissionResponseObject, error) {
	repo, err := s.repository(ctx, req.Name, "", auth.ActionAdmin)
	if err != nil {
		return nil, err
	}
	g, err := s.Identity.PutGrant(ctx, repo, req.Principal, string(req.Body.Level))
	if err != nil {
		return nil, err
	}
	return api.PutPermission200JSONResponse(apiGrant(g)), nil
}

// DeletePermission implements DELETE /api/v1/repositories/{name}/permissions/{principal}.
func (s *Server) DeletePermission(ctx context.Context, req api.DeletePermissionRequestObject) (api.DeletePermissionResponseObject, error) {
	repo, err := s.repository(ctx, req.Name, "", auth.ActionAdmin)
	if err != nil {
		return nil, err
	}
	if err := s.Identity.DeleteGrant(ctx, repo, req.Principal); err != nil {
		return nil, err
	}
	return api.DeletePermission204Response{}, nil
}
