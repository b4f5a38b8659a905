package api

import (
	"context"

	"github.com/kodera-packages/kodera/gen/api"
	"github.com/kodera-packages/kodera/internal/auth"
)

// GetMe implements GET /api/v1/me.
func (s *Server) GetMe(ctx context.Context, _ api.GetMeRequestObject) (api.GetMeResponseObject, error) {
	p := auth.FromContext(ctx)
	if p.IsAnonymous() {
		return nil, errLogin
	}
	via := api.MeAuthenticatedBy(p.Via)
	if p.Kind == auth.KindService {
		return api.GetMe200JSONResponse{Kind: api.MeKind(auth.KindService), Username: p.Name, Roles: []api.Role{}, AuthenticatedBy: &via}, nil
	}
	u, err := s.Identity.User(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	return api.GetMe200JSONResponse(apiMe(u, p.Via)), nil
}

// UpdateMe implements PATCH /api/v1/me. The body schema admits fullName and
// email only, so roles or state cannot be mass-assigned here.
func (s *Server) UpdateMe(ctx context.Context, req api.UpdateMeRequestObject) (api.UpdateMeResponseObject, error) {
	p, err := requireAccount(ctx)
	if err != nil {
		return nil, err
	}
	u, err := s.Identity.UpdateProfile(ctx, p.ID, req.Body.FullName, req.Body.Email)
	if err != nil {
		return nil, err
	}
	return api.UpdateMe200JSONResponse(apiMe(u, p.Via)), nil
}

// ChangeMyPassword implements PUT /api/v1/me/password.
func (s *Server) ChangeMyPassword(ctx context.Context, req api.ChangeMyPasswordRequestObject) (api.ChangeMyPasswordResponseObject, error) {
	p, err := requireAccount(ctx)
	if err != nil {
		return nil, err
	}
	keep := ""
	if p.Via == "session" {
		keep = sessionCookie(ctx)
	}
	if err := s.Identity.ChangePassword(ctx, p, req.Body.CurrentPassword, req.Body.NewPassword, keep); err != nil {
		return nil, err
	}
	return api.ChangeMyPassword204Response{}, nil
}

// ListMyTokens implements GET /api/v1/me/tokens.
func (s *Server) ListMyTokens(ctx context.Context, req api.ListMyTokensRequestObject) (api.ListMyTokensResponseObject, error) {
	p, err := requireAccount(ctx)
	if err != nil {
		return nil, err
	}
	ts, err := s.Identity.ListUserTokens(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	items, total, lim, off := pageOf(ts, req.Params.Limit, req.Params.Offset)
	return api.ListMyTokens200JSONResponse{Items: apiTokens(items), Total: total, Limit: lim, Offset: off}, nil
}

// CreateMyToken implements POST /api/v1/me/tokens.
func (s *Server) CreateMyToken(ctx context.Context, req api.CreateMyTokenRequestObject) (api.CreateMyTokenResponseObject, error) {
	p, err := requireAccount(ctx)
	if err != nil {
		return nil, err
	}
	t, err := s.Identity.CreateUserToken(ctx, p, tokenRequest(*req.Body))
	if err != nil {
		return nil, err
	}
	return api.CreateMyToken201JSONResponse(apiCreatedToken(t)), nil
}

// DeleteMyToken implements DELETE /api/v1/me/tokens/{id}.
func (s *Server) DeleteMyToken(ctx context.Context, req api.DeleteMyTokenRequestObject) (api.DeleteMyTokenResponseObject, error) {
	p, err := requireAccount(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.Identity.DeleteUserToken(ctx, p, req.Id); err != nil {
		return nil, err
	}
	return api.DeleteMyToken204Response{}, nil
}
