package api

import (
	"context"

	"github.com/kodera-packages/kodera/gen/api"
	"github.com/kodera-packages/kodera/internal/origin"
)

// GetSystemInfo implements GET /api/v1/system/info.
func (s *Server) GetSystemInfo(ctx context.Context, _ api.GetSystemInfoRequestObject) (api.GetSystemInfoResponseObject, error) {
	guest, err := s.Authz.GuestAccess(ctx)
	if err != nil {
		return nil, err
	}
	// Every visitor sees the license state, so the UI can show its banner;
	// the details stay behind GET /api/v1/admin/license.
	status, expiresAt, err := s.License.Summary(ctx)
	if err != nil {
		return nil, err
	}
	return api.GetSystemInfo200JSONResponse{
		Version: Version, GuestAccess: guest, BaseUrl: origin.BaseOf(ctx),
		License: api.LicenseSummary{Status: api.LicenseStatus(status), ExpiresAt: expiresAt},
	}, nil
}
