package api

import (
	"context"

	"github.com/kodera-packages/kodera/gen/api"
	"github.com/kodera-packages/kodera/internal/audit"
)

// ListAuditEvents implements GET /api/v1/admin/audit.
func (s *Server) ListAuditEvents(ctx context.Context, req api.ListAuditEventsRequestObject) (api.ListAuditEventsResponseObject, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	prm := req.Params
	lim, off := page(prm.Limit, prm.Offset)
	events, total, err := s.Audit.List(ctx, audit.Filter{
		Actor: deref(prm.Actor), Action: deref(prm.Action), Since: prm.Since, Until: prm.Until,
		Limit: lim, Offset: off,
	})
	if err != nil {
		return nil, err
	}
	items := make([]api.AuditEvent, len(events))
	for i, e := range events {
		items[i] = apiAuditEvent(e)
	}
	return api.ListAuditEvents200JSONResponse{Items: items, Total: total, Limit: int(lim), Offset: int(off)}, nil
}
