// Package audit appends to the audit trail: who did what, to what, when
// and from where. Entries are written in the caller's transaction when one
// is given, so a change and its record commit together.
package audit

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/db"
)

// Event is one audit entry; the actor and origin come from ctx.
type Event struct {
	Action  string // e.g. login, token.create, repository.delete, docker.push
	Target  string // e.g. repository name, repo/image:tag, username
	Failed  bool
	Details map[string]any
}

// Record appends e, attributed to the principal and request in ctx.
func Record(ctx context.Context, q *gendb.Queries, e Event) error {
	p := auth.FromContext(ctx)
	return RecordAs(ctx, q, p, e)
}

// RecordAs appends e attributed to p (for logins, where ctx has no principal yet).
func RecordAs(ctx context.Context, q *gendb.Queries, p auth.Principal, e Event) error {
	ri := auth.RequestInfoFrom(ctx)
	details := []byte("{}")
	if len(e.Details) > 0 {
		b, err := json.Marshal(e.Details)
		if err != nil {
			return err
		}
		details = b
	}
	kind := string(p.Kind)
	if kind == "" {
		kind = string(auth.KindAnonymous)
	}
	return db.Translate(q.InsertAuditEvent(ctx, gendb.InsertAuditEventParams{
		Actor: p.Name, ActorKind: kind, Action: e.Action, Target: e.Target, Success: !e.Failed,
		RemoteAddr: ri.ClientIP, RequestID: ri.RequestID, Details: details,
	}))
}

// Filter narrows a listing of the audit trail; zero fields match anything.
type Filter struct {
	Actor  string
	Action string // exact, or a prefix when it ends in "."
	Since  *time.Time
	Until  *time.Time
	Limit  int32
	Offset int32
}

// Entry is one recorded event as the trail shows it.
type Entry struct {
	ID         int64
	At         time.Time
	Actor      string
	ActorKind  string
	Action     string
	Target     string
	Success    bool
	RemoteAddr string
	RequestID  string
	Details    json.RawMessage
}

// List pages through the trail, newest first, with the total.
func List(ctx context.Context, q *gendb.Queries, f Filter) ([]Entry, int64, error) {
	var actor, action, prefix *string
	if f.Actor != "" {
		actor = &f.Actor
	}
	switch {
	case strings.HasSuffix(f.Action, "."):
		prefix = &f.Action
	case f.Action != "":
		action = &f.Action
	}
	rows, err := q.ListAuditEvents(ctx, gendb.ListAuditEventsParams{
		Actor: actor, Action: action, ActionPrefix: prefix, Since: f.Since, Until: f.Until, Lim: f.Limit, Off: f.Offset,
	})
	if err != nil {
		return nil, 0, db.Translate(err)
	}
	n, err := q.CountAuditEvents(ctx, gendb.CountAuditEventsParams{
		Actor: actor, Action: action, ActionPrefix: prefix, Since: f.Since, Until: f.Until,
	})
	out := make([]Entry, len(rows))
	for i, r := range rows {
		out[i] = Entry(r)
	}
	return out, n, db.Translate(err)
}

// Trail reads the audit trail for the Administration views; it is built
// once per node so handlers hold no database pool.
type Trail struct {
	pool *pgxpool.Pool
}

// NewTrail returns the audit trail reader over the database.
func NewTrail(pool *pgxpool.Pool) *Trail { return &Trail{pool: pool} }

// List pages through the trail, newest first, with the total (see List).
func (t *Trail) List(ctx context.Context, f Filter) ([]Entry, int64, error) {
	return List(ctx, gendb.New(t.pool), f)
}
