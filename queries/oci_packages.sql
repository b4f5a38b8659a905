-- name: UpsertImagePackage :one
-- UpsertImagePackage records an image path as a package of its repository.
INSERT INTO packages (repository_id, name, normalized_name) VALUES (@repository_id, @name, @name)
ON CONFLICT (repository_id, normalized_name) DO UPDATE SET updated_at = now()
RETURNING id;

-- name: UpsertImageVersion :exec
-- UpsertImageVersion records a tag (or untagged digest) as a version of an image package.
INSERT INTO versions (package_id, version, metadata, created_by) VALUES (@package_id, @version, @metadata, @created_by)
ON CONFLICT (package_id, version) DO UPDATE SET metadata = EXCLUDED.metadata, updated_at = now();

-- name: DeleteImageVersions :exec
-- DeleteImageVersions removes versions of an image package by name.
DELETE FROM versions v USING packages p
WHERE v.package_id = p.id AND p.repository_id = @repository_id AND p.name = @name AND v.version = ANY(@versions::text[]);
