-- name: GetUserByUsername :one
-- GetUserByUsername finds an account by its login name.
SELECT * FROM users WHERE username = @username;

-- name: GetUserByID :one
-- GetUserByID finds an account by id.
SELECT * FROM users WHERE id = @id;

-- name: CountAdmins :one
-- CountAdmins counts enabled administrators (bootstrap, last-admin protection).
SELECT count(*) FROM users WHERE is_admin AND NOT disabled;

-- name: CreateUser :one
-- CreateUser adds an account.
INSERT INTO users (username, full_name, email, password_hash, source, is_admin)
VALUES (@username, @full_name, @email, sqlc.narg(password_hash), @source, @is_admin)
RETURNING *;

-- name: SetUserAdmin :exec
-- SetUserAdmin grants or removes the admin role.
UPDATE users SET is_admin = @is_admin, updated_at = now() WHERE username = @username;

-- name: LockBootstrap :exec
-- LockBootstrap serialises first-start work across nodes for one transaction.
SELECT pg_advisory_xact_lock(4242001);

-- name: ListUsers :many
-- ListUsers pages through accounts, optionally filtered by a substring of the username, name or email.
SELECT * FROM users
WHERE sqlc.narg(q)::text IS NULL
   OR username ILIKE '%' || sqlc.narg(q) || '%' ESCAPE '\'
   OR full_name ILIKE '%' || sqlc.narg(q) || '%' ESCAPE '\'
   OR email ILIKE '%' || sqlc.narg(q) || '%' ESCAPE '\'
-- sort is name or -name (by username).
ORDER BY CASE WHEN @sort::text = '-name' THEN username END DESC, username
LIMIT @lim OFFSET @off;

-- name: CountUsers :one
-- CountUsers counts the accounts ListUsers would page through.
SELECT count(*) FROM users
WHERE sqlc.narg(q)::text IS NULL
   OR username ILIKE '%' || sqlc.narg(q) || '%' ESCAPE '\'
   OR full_name ILIKE '%' || sqlc.narg(q) || '%' ESCAPE '\'
   OR email ILIKE '%' || sqlc.narg(q) || '%' ESCAPE '\';

-- name: UpdateUser :one
-- UpdateUser changes the fields given (NULL keeps the stored value).
UPDATE users SET
    full_name     = coalesce(sqlc.narg(full_name), full_name),
    email         = coalesce(sqlc.narg(email), email),
    password_hash = coalesce(sqlc.narg(password_hash), password_hash),
    -- A new password ends whatever the old one obtained (see credential_version).
    credential_version = credential_version + (sqlc.narg(password_hash)::text IS NOT NULL)::int,
    is_admin      = coalesce(sqlc.narg(is_admin), is_admin),
    disabled      = coalesce(sqlc.narg(disabled), disabled),
    updated_at    = now()
WHERE id = @id
RETURNING *;

-- name: DeleteUser :execrows
-- DeleteUser removes an account; its tokens, sessions and grants go with it.
DELETE FROM users WHERE id = @id;

-- name: CountActiveUsers :one
-- CountActiveUsers counts enabled accounts, the users a license limits.
SELECT count(*) FROM users WHERE NOT disabled;
-- name: ListEnabledUsersBySource :many
-- ListEnabledUsersBySource lists the enabled accounts of one source (the directory sync's work list).
SELECT * FROM users WHERE source = @source AND NOT disabled ORDER BY username;

-- name: TryLockDirectorySync :one
-- TryLockDirectorySync takes, on one connection, the lock that lets one node at a time run the directory sync.
SELECT pg_try_advisory_lock(4242013);

-- name: UnlockDirectorySync :exec
-- UnlockDirectorySync releases TryLockDirectorySync's lock.
SELECT pg_advisory_unlock(4242013);
