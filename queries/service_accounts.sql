-- name: GetServiceAccountByName :one
-- GetServiceAccountByName finds a service account by name.
SELECT * FROM service_accounts WHERE name = @name;
