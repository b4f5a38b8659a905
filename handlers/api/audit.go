package api

import (
	"context"

	"github.com/kodera-packages/kodera/gen/api"
	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/audit"
	"github.com/kodera-packages/kodera/internal/identity"
)

// ListAuditEvents implements GET /api/v1/admin/audit.
func (s *Server) ListAuditEvents(ctx context.Context, req api.ListAuditEventsRequestObject) (api.ListAuditEventsResponseObject, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	prm := req.Params
	page := identity.NewPage(prm.Limit, prm.Offset)
	events, total, err := audit.List(ctx, gendb.New(s.Pool), audit.Filter{
		Actor: deref(prm.Actor), Action: deref(prm.Action), Since: prm.Since, Until: prm.Until,
		Limit: page.Limit, Offset: page.Offset,
	})
	if err != nil {
		return nil, err
	}
	items := make([]api.AuditEvent, len(events))
	for i, e := range events {
		items[i] = apiAuditEvent(e)
	}
	return api.ListAuditEvents200JSONResponse{Items: items, Total: total, Limit: int(page.Limit), Offset: int(page.Offset)}, nil
}
