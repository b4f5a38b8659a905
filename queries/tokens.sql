-- name: GetTokenBySecretHash :one
-- GetTokenBySecretHash resolves a presented secret to its token and owner.
SELECT t.*,
       u.username AS user_username, u.is_admin AS user_is_admin, u.disabled AS user_disabled,
       s.name AS service_name, s.disabled AS service_disabled
FROM tokens t
LEFT JOIN users u ON u.id = t.user_id
LEFT JOIN service_accounts s ON s.id = t.service_account_id
WHERE t.secret_hash = @secret_hash;

-- name: TouchToken :exec
-- TouchToken records a use, at most once a minute to spare writes.
UPDATE tokens SET last_used_at = now()
WHERE id = @id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');

-- name: CreateToken :one
-- CreateToken stores a new token's hash and limits.
INSERT INTO tokens (user_id, service_account_id, name, prefix, secret_hash, scopes, repositories, expires_at)
VALUES (sqlc.narg(user_id), sqlc.narg(service_account_id), @name, @prefix, @secret_hash, @scopes, @repositories, sqlc.narg(expires_at))
RETURNING *;

-- name: ListUserTokens :many
-- ListUserTokens lists a user's personal tokens, newest first.
SELECT * FROM tokens WHERE user_id = @user_id ORDER BY created_at DESC, id DESC;

-- name: ListServiceAccountTokens :many
-- ListServiceAccountTokens lists a service account's tokens, newest first.
SELECT * FROM tokens WHERE service_account_id = @service_account_id ORDER BY created_at DESC, id DESC;

-- name: DeleteUserToken :one
-- DeleteUserToken revokes one of a user's tokens and returns it.
DELETE FROM tokens WHERE id = @id AND user_id = @user_id RETURNING *;

-- name: DeleteServiceAccountToken :one
-- DeleteServiceAccountToken revokes one of a service account's tokens and returns it.
DELETE FROM tokens WHERE id = @id AND service_account_id = @service_account_id RETURNING *;

-- name: GetPrincipalStatus :one
-- GetPrincipalStatus re-checks who a registry token was issued to, in one
-- round trip: whether the user or service account still exists and is
-- enabled, whether a user is an admin, and whether the personal token it
-- was minted from (when token_id is set) still exists unexpired, and the
-- user's credential version (password changes; 0 for service accounts).
SELECT a.disabled, a.is_admin, a.credential_version,
       (sqlc.narg(token_id)::bigint IS NULL OR EXISTS (
           SELECT 1 FROM tokens t
           WHERE t.id = sqlc.narg(token_id)
             AND (t.expires_at IS NULL OR t.expires_at > now())
             AND CASE WHEN @kind::text = 'user' THEN t.user_id = a.id ELSE t.service_account_id = a.id END
       ))::boolean AS token_valid
FROM (
    SELECT u.id, u.disabled, u.is_admin, u.credential_version FROM users u WHERE @kind::text = 'user' AND u.id = @id
    UNION ALL
    SELECT s.id, s.disabled, false, 0::bigint FROM service_accounts s WHERE @kind::text = 'service' AND s.id = @id
) a;
