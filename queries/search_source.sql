-- name: GetSearchSourceRepository :one
-- GetSearchSourceRepository reads a repository as search shows it.
SELECT r.id, r.name, r.type, r.description, r.visibility, r.owner_id,
       coalesce(u.username, '')::text AS owner, r.updated_at
FROM repositories r LEFT JOIN users u ON u.id = r.owner_id
WHERE r.id = @id;

-- name: ListSearchSourceRepositories :many
-- ListSearchSourceRepositories pages through every repository by id, for reindexing.
SELECT r.id, r.name, r.type, r.description, r.visibility, r.owner_id,
       coalesce(u.username, '')::text AS owner, r.updated_at
FROM repositories r LEFT JOIN users u ON u.id = r.owner_id
WHERE r.id > @after_id
ORDER BY r.id
LIMIT @lim;

-- name: GetSearchSourcePackage :one
-- GetSearchSourcePackage reads a package with its latest version as search
-- shows it.
SELECT p.id, p.name, p.normalized_name, p.repository_id,
       r.name AS repository_name, r.type AS repository_type, r.visibility, r.owner_id,
       coalesce(u.username, '')::text AS owner,
       coalesce(v.version, '')::text AS version,
       coalesce(v.created_by, '')::text AS uploaded_by,
       coalesce(v.metadata->>'description', v.metadata->>'summary', '')::text AS description,
       greatest(p.updated_at, coalesce(v.updated_at, p.updated_at))::timestamptz AS updated_at
FROM packages p
JOIN repositories r ON r.id = p.repository_id
LEFT JOIN users u ON u.id = r.owner_id
LEFT JOIN LATERAL (SELECT * FROM versions WHERE package_id = p.id ORDER BY created_at DESC, id DESC LIMIT 1) v ON true
WHERE p.id = @id;

-- name: ListSearchSourcePackages :many
-- ListSearchSourcePackages pages through every package by id, for reindexing.
SELECT p.id, p.name, p.normalized_name, p.repository_id,
       r.name AS repository_name, r.type AS repository_type, r.visibility, r.owner_id,
       coalesce(u.username, '')::text AS owner,
       coalesce(v.version, '')::text AS version,
       coalesce(v.created_by, '')::text AS uploaded_by,
       coalesce(v.metadata->>'description', v.metadata->>'summary', '')::text AS description,
       greatest(p.updated_at, coalesce(v.updated_at, p.updated_at))::timestamptz AS updated_at
FROM packages p
JOIN repositories r ON r.id = p.repository_id
LEFT JOIN users u ON u.id = r.owner_id
LEFT JOIN LATERAL (SELECT * FROM versions WHERE package_id = p.id ORDER BY created_at DESC, id DESC LIMIT 1) v ON true
WHERE p.id > @after_id
ORDER BY p.id
LIMIT @lim;

-- name: GetSearchSourceFile :one
-- GetSearchSourceFile reads a file (not a folder) of a files repository as
-- search shows it.
SELECT f.id, f.repository_id, f.path::text AS path, f.name::text AS name, f.uploaded_by, f.updated_at,
       r.name AS repository_name, r.type AS repository_type, r.visibility, r.owner_id,
       coalesce(u.username, '')::text AS owner
FROM repository_files f
JOIN repositories r ON r.id = f.repository_id
LEFT JOIN users u ON u.id = r.owner_id
WHERE f.repository_id = @repository_id AND f.path = @path AND NOT f.is_folder;

-- name: ListSearchSourceFiles :many
-- ListSearchSourceFiles pages through every file of every files repository
-- by id, for reindexing.
SELECT f.id, f.repository_id, f.path::text AS path, f.name::text AS name, f.uploaded_by, f.updated_at,
       r.name AS repository_name, r.type AS repository_type, r.visibility, r.owner_id,
       coalesce(u.username, '')::text AS owner
FROM repository_files f
JOIN repositories r ON r.id = f.repository_id
LEFT JOIN users u ON u.id = r.owner_id
WHERE f.id > @after_id AND NOT f.is_folder
ORDER BY f.id
LIMIT @lim;

-- name: ListSearchGrantedRepositoryIDs :many
-- ListSearchGrantedRepositoryIDs lists the repositories a user owns or holds
-- a grant on, or a service account holds a grant on: the visibility
-- predicate's private part, for backends outside Postgres.
SELECT r.id FROM repositories r WHERE r.owner_id = sqlc.narg(user_id)
UNION
SELECT p.repository_id FROM repository_permissions p
WHERE p.user_id = sqlc.narg(user_id) OR p.service_account_id = sqlc.narg(service_account_id);

-- name: ListSearchSourcePackagesByID :many
-- ListSearchSourcePackagesByID reads many packages as search shows them, for
-- one indexer batch (absent ids were deleted).
SELECT p.id, p.name, p.normalized_name, p.repository_id,
       r.name AS repository_name, r.type AS repository_type, r.visibility, r.owner_id,
       coalesce(u.username, '')::text AS owner,
       coalesce(v.version, '')::text AS version,
       coalesce(v.created_by, '')::text AS uploaded_by,
       coalesce(v.metadata->>'description', v.metadata->>'summary', '')::text AS description,
       greatest(p.updated_at, coalesce(v.updated_at, p.updated_at))::timestamptz AS updated_at
FROM packages p
JOIN repositories r ON r.id = p.repository_id
LEFT JOIN users u ON u.id = r.owner_id
LEFT JOIN LATERAL (SELECT * FROM versions WHERE package_id = p.id ORDER BY created_at DESC, id DESC LIMIT 1) v ON true
WHERE p.id = ANY(@ids::bigint[]);

-- name: ListSearchSourceFilesByPath :many
-- ListSearchSourceFilesByPath reads many files (not folders) by repository
-- and path, for one indexer batch (absent ones were deleted or moved).
SELECT f.id, f.repository_id, f.path::text AS path, f.name::text AS name, f.uploaded_by, f.updated_at,
       r.name AS repository_name, r.type AS repository_type, r.visibility, r.owner_id,
       coalesce(u.username, '')::text AS owner
FROM (SELECT unnest(@repository_ids::bigint[]) AS repository_id, unnest(@paths::text[]) AS path) k
JOIN repository_files f ON f.repository_id = k.repository_id AND f.path = k.path
JOIN repositories r ON r.id = f.repository_id
LEFT JOIN users u ON u.id = r.owner_id
WHERE NOT f.is_folder;
