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
