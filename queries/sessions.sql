-- name: GetSession :one
-- GetSession resolves a session cookie that has not expired.
SELECT s.*, u.username, u.is_admin, u.disabled, u.credential_version
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.id_hash = @id_hash AND s.expires_at > now();

-- name: CreateSession :one
-- CreateSession stores a new UI session (the cookie value is kept hashed).
INSERT INTO sessions (id_hash, user_id, csrf_token, expires_at)
VALUES (@id_hash, @user_id, @csrf_token, @expires_at)
RETURNING *;

-- name: TouchSession :exec
-- TouchSession slides an active session's expiry, at most once a minute and never past its absolute limit.
UPDATE sessions SET last_seen_at = now(), expires_at = least(now() + make_interval(secs => @idle_seconds::int), created_at + make_interval(secs => @absolute_seconds::int))
WHERE id_hash = @id_hash AND last_seen_at < now() - interval '1 minute';

-- name: DeleteSession :exec
-- DeleteSession ends one session.
DELETE FROM sessions WHERE id_hash = @id_hash;

-- name: DeleteUserSessions :exec
-- DeleteUserSessions ends every session of a user except the one given (which may be empty).
DELETE FROM sessions WHERE user_id = @user_id AND id_hash <> @keep_id_hash;

-- name: DeleteExpiredSessions :exec
-- DeleteExpiredSessions prunes sessions past their expiry.
DELETE FROM sessions WHERE expires_at < now();
