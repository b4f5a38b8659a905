-- name: InsertAuditEvent :exec
-- InsertAuditEvent appends one entry to the audit trail.
INSERT INTO audit_events (actor, actor_kind, action, target, success, remote_addr, request_id, details)
VALUES (@actor, @actor_kind, @action, @target, @success, @remote_addr, @request_id, @details);

-- name: ListAuditEvents :many
-- ListAuditEvents pages through the audit trail, newest first, filtered by
-- actor, exact action or action prefix, and time range.
SELECT * FROM audit_events
WHERE (sqlc.narg(actor)::text IS NULL OR actor = sqlc.narg(actor))
  AND (sqlc.narg(action)::text IS NULL OR action = sqlc.narg(action))
  AND (sqlc.narg(action_prefix)::text IS NULL OR starts_with(action, sqlc.narg(action_prefix)))
  AND (sqlc.narg(since)::timestamptz IS NULL OR at >= sqlc.narg(since))
  AND (sqlc.narg(until)::timestamptz IS NULL OR at < sqlc.narg(until))
ORDER BY at DESC, id DESC
LIMIT @lim OFFSET @off;

-- name: CountAuditEvents :one
-- CountAuditEvents counts what ListAuditEvents pages through.
SELECT count(*) FROM audit_events
WHERE (sqlc.narg(actor)::text IS NULL OR actor = sqlc.narg(actor))
  AND (sqlc.narg(action)::text IS NULL OR action = sqlc.narg(action))
  AND (sqlc.narg(action_prefix)::text IS NULL OR starts_with(action, sqlc.narg(action_prefix)))
  AND (sqlc.narg(since)::timestamptz IS NULL OR at >= sqlc.narg(since))
  AND (sqlc.narg(until)::timestamptz IS NULL OR at < sqlc.narg(until));
