-- name: GetUserPermission :one
-- GetUserPermission returns a user's grant level on a repository.
SELECT level FROM repository_permissions WHERE repository_id = @repository_id AND user_id = @user_id;

-- name: GetServicePermission :one
-- GetServicePermission returns a service account's grant level on a repository.
SELECT level FROM repository_permissions WHERE repository_id = @repository_id AND service_account_id = @service_account_id;

-- name: UpsertUserPermission :exec
-- UpsertUserPermission grants a user a level on a repository.
INSERT INTO repository_permissions (repository_id, user_id, level) VALUES (@repository_id, @user_id, @level)
ON CONFLICT (repository_id, user_id) WHERE user_id IS NOT NULL DO UPDATE SET level = EXCLUDED.level;

-- name: UpsertServicePermission :exec
-- UpsertServicePermission grants a service account a level on a repository.
INSERT INTO repository_permissions (repository_id, service_account_id, level) VALUES (@repository_id, @service_account_id, @level)
ON CONFLICT (repository_id, service_account_id) WHERE service_account_id IS NOT NULL DO UPDATE SET level = EXCLUDED.level;

-- name: ListRepositoryPermissions :many
-- ListRepositoryPermissions lists a repository's grants, users first, each group by name.
SELECT p.level, p.created_at, u.username, s.name AS service_name
FROM repository_permissions p
LEFT JOIN users u ON u.id = p.user_id
LEFT JOIN service_accounts s ON s.id = p.service_account_id
WHERE p.repository_id = @repository_id
ORDER BY (p.user_id IS NULL), coalesce(u.username, s.name);

-- name: UpsertUserPermissionReturning :one
-- UpsertUserPermissionReturning grants a user a level on a repository and returns the grant.
INSERT INTO repository_permissions (repository_id, user_id, level) VALUES (@repository_id, @user_id, @level)
ON CONFLICT (repository_id, user_id) WHERE user_id IS NOT NULL DO UPDATE SET level = EXCLUDED.level
RETURNING *;

-- name: UpsertServicePermissionReturning :one
-- UpsertServicePermissionReturning grants a service account a level on a repository and returns the grant.
INSERT INTO repository_permissions (repository_id, service_account_id, level) VALUES (@repository_id, @service_account_id, @level)
ON CONFLICT (repository_id, service_account_id) WHERE service_account_id IS NOT NULL DO UPDATE SET level = EXCLUDED.level
RETURNING *;

-- name: DeleteUserPermission :execrows
-- DeleteUserPermission removes a user's grant on a repository.
DELETE FROM repository_permissions WHERE repository_id = @repository_id AND user_id = @user_id;

-- name: DeleteServicePermission :execrows
-- DeleteServicePermission removes a service account's grant on a repository.
DELETE FROM repository_permissions WHERE repository_id = @repository_id AND service_account_id = @service_account_id;
