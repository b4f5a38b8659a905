package api

import (
	"context"

	"github.com/kodera-packages/kodera/gen/api"
)

// GetLdapSettings implements GET /api/v1/admin/ldap: the KODERA_LDAP_*
// configuration for Administration > Settings, read-only (the environment
// sets it) and never with the bind password.
func (s *Server) GetLdapSettings(ctx context.Context, _ api.GetLdapSettingsRequestObject) (api.GetLdapSettingsResponseObject, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	l := s.LDAP
	return api.GetLdapSettings200JSONResponse{
		Enabled: l.Enabled(), Url: l.URL, StartTls: l.StartTLS,
		BindDn: l.BindDN, BindPasswordSet: l.BindPassword != "",
		UserBaseDn: l.UserBaseDN, UserFilter: l.UserFilter,
		EmailAttribute: l.EmailAttribute, NameAttribute: l.NameAttribute,
		AdminGroupDn: l.AdminGroupDN, GroupFilter: l.GroupFilter,
		TimeoutSeconds: float32(l.Timeout.Seconds()), SyncIntervalSeconds: float32(l.SyncInterval.Seconds()),
	}, nil
}
