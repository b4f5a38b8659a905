-- name: GetServiceAccountByName :one
-- GetServiceAccountByName finds a service account by name.
SELECT * FROM service_accounts WHERE name = @name;

-- name: CreateServiceAccount :one
-- CreateServiceAccount adds a service account.
INSERT INTO service_accounts (name, description, created_by) VALUES (@name, @description, sqlc.narg(created_by))
RETURNING *;
