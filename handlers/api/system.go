package api

import (
	"context"

	"github.com/kodera-packages/kodera/gen/api"
)

// GetSystemInfo implements GET /api/v1/system/info.
func (s *Server) GetSystemInfo(ctx context.Context, _ api.GetSystemInfoRequestObject) (api.GetSystemInfoResponseObject, error) {
	guest, err := s.Authz.GuestAccess(ctx)
	if err != nil {
		return nil, err
	}
	return api.GetSystemInfo200JSONResponse{Version: Version, GuestAccess: guest}, nil
}
