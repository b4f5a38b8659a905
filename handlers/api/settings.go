package api

import (
	"context"

	"github.com/kodera-packages/kodera/gen/api"
	"github.com/kodera-packages/kodera/internal/identity"
)

// GetSettings implements GET /api/v1/admin/settings.
func (s *Server) GetSettings(ctx context.Context, _ api.GetSettingsRequestObject) (api.GetSettingsResponseObject, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	st, err := s.Identity.Settings(ctx)
	if err != nil {
		return nil, err
	}
	return api.GetSettings200JSONResponse{GuestAccess: st.GuestAccess}, nil
}

// PutSettings implements PUT /api/v1/admin/settings.
func (s *Server) PutSettings(ctx context.Context, req api.PutSettingsRequestObject) (api.PutSettingsResponseObject, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	st, err := s.Identity.PutSettings(ctx, identity.Settings{GuestAccess: req.Body.GuestAccess})
	if err != nil {
		return nil, err
	}
	return api.PutSettings200JSONResponse{GuestAccess: st.GuestAccess}, nil
}
