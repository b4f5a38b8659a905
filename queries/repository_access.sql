-- name: GetRepositoryAccess :one
-- GetRepositoryAccess loads a repository by name together with what the
-- decision function needs about the caller, in one round trip: the user's
-- or service account's grant level (empty for none) and the guest-access
-- setting (empty when never set).
SELECT sqlc.embed(repositories),
  COALESCE((SELECT rp.level FROM repository_permissions rp
    WHERE rp.repository_id = repositories.id AND rp.user_id = sqlc.narg(user_id)::bigint), '')::text AS user_level,
  COALESCE((SELECT rp.level FROM repository_permissions rp
    WHERE rp.repository_id = repositories.id AND rp.service_account_id = sqlc.narg(service_account_id)::bigint), '')::text AS service_level,
  COALESCE((SELECT s.value::text FROM settings s WHERE s.key = 'guestAccess'), '')::text AS guest_access
FROM repositories
WHERE repositories.name = @name;
