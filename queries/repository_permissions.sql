-- name: GetUserPermission :one
-- GetUserPermission returns a user's grant level on a repository.
SELECT level FROM repository_permissions WHERE repository_id = @repository_id AND user_id = @user_id;

-- name: GetServicePermission :one
-- GetServicePermission returns a service account's grant level on a repository.
SELECT level FROM repository_permissions WHERE repository_id = @repository_id AND service_account_id = @service_account_id;
