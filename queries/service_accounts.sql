-- name: GetServiceAccountByName :one
-- GetServiceAccountByName finds a service account by name.
SELECT * FROM service_accounts WHERE name = @name;

-- name: CreateServiceAccount :one
-- CreateServiceAccount adds a service account.
INSERT INTO service_accounts (name, description, created_by) VALUES (@name, @description, sqlc.narg(created_by))
RETURNING *;

-- name: ListServiceAccounts :many
-- ListServiceAccounts lists service accounts by name with their creator and token count.
SELECT s.*, u.username AS creator, (SELECT count(*) FROM tokens t WHERE t.service_account_id = s.id)::bigint AS token_count
FROM service_accounts s LEFT JOIN users u ON u.id = s.created_by
ORDER BY s.name;

-- name: GetServiceAccountDetails :one
-- GetServiceAccountDetails finds a service account by name with its creator and token count.
SELECT s.*, u.username AS creator, (SELECT count(*) FROM tokens t WHERE t.service_account_id = s.id)::bigint AS token_count
FROM service_accounts s LEFT JOIN users u ON u.id = s.created_by
WHERE s.name = @name;

-- name: UpdateServiceAccount :one
-- UpdateServiceAccount changes the fields given (NULL keeps the stored value).
UPDATE service_accounts SET
    description = coalesce(sqlc.narg(description), description),
    disabled    = coalesce(sqlc.narg(disabled), disabled),
    updated_at  = now()
WHERE id = @id
RETURNING *;

-- name: DeleteServiceAccount :execrows
-- DeleteServiceAccount removes a service account with its tokens and grants.
DELETE FROM service_accounts WHERE id = @id;
