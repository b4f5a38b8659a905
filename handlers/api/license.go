package api

import (
	"context"

	"github.com/kodera-packages/kodera/gen/api"
	"github.com/kodera-packages/kodera/internal/license"
)

// GetLicense implements GET /api/v1/admin/license.
func (s *Server) GetLicense(ctx context.Context, _ api.GetLicenseRequestObject) (api.GetLicenseResponseObject, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	in, err := s.License.Current(ctx)
	if err != nil {
		return nil, err
	}
	return api.GetLicense200JSONResponse(licenseOf(in)), nil
}

// PutLicense implements PUT /api/v1/admin/license: it activates a key and
// answers the license now in force, as PUT /api/v1/admin/settings answers
// the settings.
func (s *Server) PutLicense(ctx context.Context, req api.PutLicenseRequestObject) (api.PutLicenseResponseObject, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	in, err := s.License.Activate(ctx, req.Body.Key)
	if err != nil {
		return nil, err
	}
	return api.PutLicense200JSONResponse(licenseOf(in)), nil
}

func licenseOf(in license.Info) api.License {
	out := api.License{
		Status: api.LicenseStatus(in.Status), MaxUsers: in.MaxUsers, ActiveUsers: in.ActiveUsers, Features: []string{},
	}
	if p := in.Payload; p != nil {
		out.Id, out.Licensee, out.IssuedAt, out.ExpiresAt = &p.ID, &p.Licensee, &p.IssuedAt, &p.ExpiresAt
		out.Features = append(out.Features, p.Features...)
	}
	return out
}
