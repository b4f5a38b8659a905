-- name: GetRepositoryByName :one
-- GetRepositoryByName finds a repository by its unique name.
SELECT * FROM repositories WHERE name = @name;

-- name: CreateRepository :one
-- CreateRepository adds a repository owned by its creator.
INSERT INTO repositories (name, type, description, visibility, owner_id)
VALUES (@name, @type, @description, @visibility, sqlc.narg(owner_id))
RETURNING *;

-- name: ListVisibleRepositories :many
-- ListVisibleRepositories pages through the repositories a principal may read
-- (the predicate comes from auth.Authorizer.Visible), filtered by name or
-- description substring and type.
SELECT r.*, u.username AS owner_name
FROM repositories r LEFT JOIN users u ON u.id = r.owner_id
WHERE (@all_repos::boolean
       OR (@public_repos::boolean AND r.visibility = 'public')
       OR r.owner_id = sqlc.narg(user_id)
       OR EXISTS (SELECT 1 FROM repository_permissions p WHERE p.repository_id = r.id
                  AND (p.user_id = sqlc.narg(user_id) OR p.service_account_id = sqlc.narg(service_account_id))))
  AND (sqlc.narg(names)::text[] IS NULL OR r.name = ANY(sqlc.narg(names)::text[]))
  AND (sqlc.narg(q)::text IS NULL OR r.name ILIKE '%' || sqlc.narg(q) || '%' ESCAPE '\' OR r.description ILIKE '%' || sqlc.narg(q) || '%' ESCAPE '\')
  AND (sqlc.narg(type)::text IS NULL OR r.type = sqlc.narg(type))
-- sort is name, -name, updated or -updated (checked by the handler);
-- repositories are few, so ordering by CASE (no index) is cheap.
ORDER BY CASE WHEN @sort::text = '-name' THEN r.name END DESC,
         CASE WHEN @sort::text = 'updated' THEN r.updated_at END,
         CASE WHEN @sort::text = '-updated' THEN r.updated_at END DESC,
         r.name
LIMIT @lim OFFSET @off;

-- name: CountVisibleRepositories :one
-- CountVisibleRepositories counts what ListVisibleRepositories pages through.
SELECT count(*)
FROM repositories r
WHERE (@all_repos::boolean
       OR (@public_repos::boolean AND r.visibility = 'public')
       OR r.owner_id = sqlc.narg(user_id)
       OR EXISTS (SELECT 1 FROM repository_permissions p WHERE p.repository_id = r.id
                  AND (p.user_id = sqlc.narg(user_id) OR p.service_account_id = sqlc.narg(service_account_id))))
  AND (sqlc.narg(names)::text[] IS NULL OR r.name = ANY(sqlc.narg(names)::text[]))
  AND (sqlc.narg(q)::text IS NULL OR r.name ILIKE '%' || sqlc.narg(q) || '%' ESCAPE '\' OR r.description ILIKE '%' || sqlc.narg(q) || '%' ESCAPE '\')
  AND (sqlc.narg(type)::text IS NULL OR r.type = sqlc.narg(type));

-- name: UpdateRepository :one
-- UpdateRepository changes the settings given (NULL keeps the stored value).
UPDATE repositories SET
    description = coalesce(sqlc.narg(description), description),
    visibility  = coalesce(sqlc.narg(visibility), visibility),
    immutable   = coalesce(sqlc.narg(immutable), immutable),
    updated_at  = now()
WHERE id = @id
RETURNING *;

-- name: DeleteRepository :exec
-- DeleteRepository removes a repository; its packages and grants go with it.
DELETE FROM repositories WHERE id = @id;
