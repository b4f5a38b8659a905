package api

import (
	"context"
	"slices"

	"github.com/kodera-packages/kodera/gen/api"
	"github.com/kodera-packages/kodera/internal/identity"
)

func hasAdminRole(rs []api.Role) bool { return slices.Contains(rs, api.RoleAdmin) }

// ListUsers implements GET /api/v1/admin/users.
func (s *Server) ListUsers(ctx context.Context, req api.ListUsersRequestObject) (api.ListUsersResponseObject, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	by, err := sortParam(req.Params.Sort, "name", "name", "-name")
	if err != nil {
		return nil, err
	}
	lim, off := page(req.Params.Limit, req.Params.Offset)
	users, total, err := s.Identity.ListUsers(ctx, deref(req.Params.Q), by, lim, off)
	if err != nil {
		return nil, err
	}
	items := make([]api.User, len(users))
	for i, u := range users {
		items[i] = apiUser(u)
	}
	return api.ListUsers200JSONResponse{Items: items, Total: total, Limit: int(lim), Offset: int(off)}, nil
}

// CreateUser implements POST /api/v1/admin/users.
func (s *Server) CreateUser(ctx context.Context, req api.CreateUserRequestObject) (api.CreateUserResponseObject, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	b := req.Body
	u, err := s.Identity.CreateUser(ctx, identity.NewUser{
		Username: b.Username, FullName: deref(b.FullName), Email: deref(b.Email), Password: b.Password,
		Admin: b.Roles != nil && hasAdminRole(*b.Roles),
	})
	if err != nil {
		return nil, err
	}
	return api.CreateUser201JSONResponse(apiUser(u)), nil
}

// GetUser implements GET /api/v1/admin/users/{username}.
func (s *Server) GetUser(ctx context.Context, req api.GetUserRequestObject) (api.GetUserResponseObject, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	u, err := s.Identity.UserByName(ctx, req.Username)
	if err != nil {
		return nil, err
	}
	return api.GetUser200JSONResponse(apiUser(u)), nil
}

// UpdateUser implements PATCH /api/v1/admin/users/{username}.
func (s *Server) UpdateUser(ctx context.Context, req api.UpdateUserRequestObject) (api.UpdateUserResponseObject, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	b := req.Body
	c := identity.UserChange{FullName: b.FullName, Email: b.Email, Password: b.Password, Disabled: b.Disabled}
	if b.Roles != nil {
		admin := hasAdminRole(*b.Roles)
		c.Admin = &admin
	}
	u, err := s.Identity.UpdateUser(ctx, req.Username, c)
	if err != nil {
		return nil, err
	}
	return api.UpdateUser200JSONResponse(apiUser(u)), nil
}

// DeleteUser implements DELETE /api/v1/admin/users/{username}.
func (s *Server) DeleteUser(ctx context.Context, req api.DeleteUserRequestObject) (api.DeleteUserResponseObject, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	if err := s.Identity.DeleteUser(ctx, req.Username); err != nil {
		return nil, err
	}
	return api.DeleteUser204Response{}, nil
}
