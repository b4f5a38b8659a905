package api

import (
	"context"

	"github.com/kodera-packages/kodera/gen/api"
)

// ListServiceAccounts implements GET /api/v1/admin/service-accounts.
func (s *Server) ListServiceAccounts(ctx context.Context, req api.ListServiceAccountsRequestObject) (api.ListServiceAccountsResponseObject, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	sas, err := s.Identity.ListServiceAccounts(ctx)
	if err != nil {
		return nil, err
	}
	items, total, lim, off := pageOf(sas, req.Params.Limit, req.Params.Offset)
	out := api.ListServiceAccounts200JSONResponse{Items: make([]api.ServiceAccount, len(items)), Total: total, Limit: lim, Offset: off}
	for i, sa := range items {
		out.Items[i] = apiServiceAccount(sa)
	}
	return out, nil
}

// CreateServiceAccount implements POST /api/v1/admin/service-accounts.
func (s *Server) CreateServiceAccount(ctx context.Context, req api.CreateServiceAccountRequestObject) (api.CreateServiceAccountResponseObject, error) {
	p, err := requireAdmin(ctx)
	if err != nil {
		return nil, err
	}
	sa, err := s.Identity.CreateServiceAccount(ctx, p, req.Body.Name, deref(req.Body.Description))
	if err != nil {
		return nil, err
	}
	return api.CreateServiceAccount201JSONResponse(apiServiceAccount(sa)), nil
}

// GetServiceAccount implements GET /api/v1/admin/service-accounts/{name}.
func (s *Server) GetServiceAccount(ctx context.Context, req api.GetServiceAccountRequestObject) (api.GetServiceAccountResponseObject, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	sa, err := s.Identity.ServiceAccount(ctx, req.Name)
	if err != nil {
		return nil, err
	}
	return api.GetServiceAccount200JSONResponse(apiServiceAccount(sa)), nil
}

// UpdateServiceAccount implements PATCH /api/v1/admin/service-accounts/{name}.
func (s *Server) UpdateServiceAccount(ctx context.Context, req api.UpdateServiceAccountRequestObject) (api.UpdateServiceAccountResponseObject, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	sa, err := s.Identity.UpdateServiceAccount(ctx, req.Name, req.Body.Description, req.Body.Disabled)
	if err != nil {
		return nil, err
	}
	return api.UpdateServiceAccount200JSONResponse(apiServiceAccount(sa)), nil
}

// DeleteServiceAccount implements DELETE /api/v1/admin/service-accounts/{name}.
func (s *Server) DeleteServiceAccount(ctx context.Context, req api.DeleteServiceAccountRequestObject) (api.DeleteServiceAccountResponseObject, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	if err := s.Identity.DeleteServiceAccount(ctx, req.Name); err != nil {
		return nil, err
	}
	return api.DeleteServiceAccount204Response{}, nil
}

// ListServiceAccountTokens implements GET /api/v1/admin/service-accounts/{name}/tokens.
func (s *Server) ListServiceAccountTokens(ctx context.Context, req api.ListServiceAccountTokensRequestObject) (api.ListServiceAccountTokensResponseObject, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	ts, err := s.Identity.ListServiceAccountTokens(ctx, req.Name)
	if err != nil {
		return nil, err
	}
	items, total, lim, off := pageOf(ts, req.Params.Limit, req.Params.Offset)
	return api.ListServiceAccountTokens200JSONResponse{Items: apiTokens(items), Total: total, Limit: lim, Offset: off}, nil
}

// CreateServiceAccountToken implements POST /api/v1/admin/service-accounts/{name}/tokens.
func (s *Server) CreateServiceAccountToken(ctx context.Context, req api.CreateServiceAccountTokenRequestObject) (api.CreateServiceAccountTokenResponseObject, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	t, err := s.Identity.CreateServiceAccountToken(ctx, req.Name, tokenRequest(*req.Body))
	if err != nil {
		return nil, err
	}
	return api.CreateServiceAccountToken201JSONResponse(apiCreatedToken(t)), nil
}

// DeleteServiceAccountToken implements DELETE /api/v1/admin/service-accounts/{name}/tokens/{id}.
func (s *Server) DeleteServiceAccountToken(ctx context.Context, req api.DeleteServiceAccountTokenRequestObject) (api.DeleteServiceAccountTokenResponseObject, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	if err := s.Identity.DeleteServiceAccountToken(ctx, req.Name, req.Id); err != nil {
		return nil, err
	}
	return api.DeleteServiceAccountToken204Response{}, nil
}
