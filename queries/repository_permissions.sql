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
