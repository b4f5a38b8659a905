-- name: GetSession :one
-- GetSession resolves a session cookie that has not expired.
SELECT s.*, u.username, u.is_admin, u.disabled
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.id_hash = @id_hash AND s.expires_at > now();
