-- name: InsertAuditEvent :exec
-- InsertAuditEvent appends one entry to the audit trail.
INSERT INTO audit_events (actor, actor_kind, action, target, success, remote_addr, request_id, details)
VALUES (@actor, @actor_kind, @action, @target, @success, @remote_addr, @request_id, @details);
