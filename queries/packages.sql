-- The generic package model (migration 00003): packages -> versions ->
-- package_files -> blobs. Every format writes through these queries, via
-- internal/packages, so listings, totals and search see one model.

-- name: UpsertPackage :one
-- UpsertPackage creates a package or returns the existing one with the same
-- normalized name; the display name of the first push is kept.
INSERT INTO packages (repository_id, name, normalized_name) VALUES (@repository_id, @name, @normalized_name)
ON CONFLICT (repository_id, normalized_name) DO UPDATE SET updated_at = now()
RETURNING *;

-- name: GetPackageByName :one
-- GetPackageByName finds a package by its normalized name.
SELECT * FROM packages WHERE repository_id = @repository_id AND normalized_name = @normalized_name;

-- name: ListPackages :many
-- ListPackages pages the packages of a repository whose name contains q,
-- by name, with their version count, size and newest version.
SELECT p.id, p.name, p.normalized_name, p.created_at, p.updated_at,
       (SELECT count(*) FROM versions v WHERE v.package_id = p.id)::bigint AS version_count,
       (SELECT COALESCE(sum(f.size), 0) FROM versions v JOIN package_files f ON f.version_id = v.id WHERE v.package_id = p.id)::bigint AS size,
       COALESCE((SELECT v.version FROM versions v WHERE v.package_id = p.id ORDER BY v.created_at DESC, v.id DESC LIMIT 1), '')::text AS latest_version
FROM packages p
WHERE p.repository_id = @repository_id AND strpos(p.normalized_name, lower(@q::text)) > 0
-- sort is name, -name, updated or -updated (checked by the caller).
ORDER BY CASE WHEN @sort::text = '-name' THEN p.normalized_name END DESC,
         CASE WHEN @sort::text = 'updated' THEN p.updated_at END,
         CASE WHEN @sort::text = '-updated' THEN p.updated_at END DESC,
         p.normalized_name
LIMIT @lim OFFSET @off;

-- name: CountPackages :one
-- CountPackages is the total behind ListPackages.
SELECT count(*) FROM packages p
WHERE p.repository_id = @repository_id AND strpos(p.normalized_name, lower(@q::text)) > 0;

-- name: UpsertVersion :one
-- UpsertVersion adds a version or replaces the metadata of an existing one
-- (formats whose versions move, like OCI tags); inserted tells which.
INSERT INTO versions (package_id, version, metadata, created_by) VALUES (@package_id, @version, @metadata, @created_by)
ON CONFLICT (package_id, version) DO UPDATE SET metadata = EXCLUDED.metadata, created_by = EXCLUDED.created_by, updated_at = now()
RETURNING id, package_id, version, metadata, created_by, created_at, updated_at, (xmax = 0) AS inserted;

-- name: InsertVersion :one
-- InsertVersion adds a version; a version that exists is a unique violation.
INSERT INTO versions (package_id, version, metadata, created_by) VALUES (@package_id, @version, @metadata, @created_by)
RETURNING *;

-- name: GetVersion :one
-- GetVersion finds one version of a package with its file count and size.
SELECT v.*,
       (SELECT count(*) FROM package_files f WHERE f.version_id = v.id)::bigint AS file_count,
       (SELECT COALESCE(sum(f.size), 0) FROM package_files f WHERE f.version_id = v.id)::bigint AS size
FROM versions v WHERE v.package_id = @package_id AND v.version = @version;

-- name: ListVersions :many
-- ListVersions pages the versions of a package, newest first.
SELECT v.*,
       (SELECT count(*) FROM package_files f WHERE f.version_id = v.id)::bigint AS file_count,
       (SELECT COALESCE(sum(f.size), 0) FROM package_files f WHERE f.version_id = v.id)::bigint AS size
FROM versions v WHERE v.package_id = @package_id
ORDER BY v.created_at DESC, v.id DESC
LIMIT @lim OFFSET @off;

-- name: ListAllVersions :many
-- ListAllVersions lists every version of a package, for formats that order
-- versions themselves (PEP 440, semver) before paging.
SELECT v.*,
       (SELECT count(*) FROM package_files f WHERE f.version_id = v.id)::bigint AS file_count,
       (SELECT COALESCE(sum(f.size), 0) FROM package_files f WHERE f.version_id = v.id)::bigint AS size
FROM versions v WHERE v.package_id = @package_id;

-- name: CountVersions :one
-- CountVersions is the total behind ListVersions.
SELECT count(*) FROM versions WHERE package_id = @package_id;

-- name: DeleteVersionsByName :exec
-- DeleteVersionsByName removes versions of a package; their files go with them.
DELETE FROM versions WHERE package_id = @package_id AND version = ANY(@versions::text[]);

-- name: DeletePackageIfEmpty :exec
-- DeletePackageIfEmpty drops a package once its last version is gone.
DELETE FROM packages p WHERE p.id = @id AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.package_id = p.id);

-- name: DeletePackage :exec
-- DeletePackage drops a package with its versions and files.
DELETE FROM packages WHERE id = @id;

-- name: InsertPackageFile :one
-- InsertPackageFile attaches a stored blob to a version under a file name.
INSERT INTO package_files (version_id, name, blob_digest, size, content_type)
VALUES (@version_id, @name, @blob_digest, @size, @content_type)
RETURNING *;

-- name: DeletePackageFiles :exec
-- DeletePackageFiles detaches every file of a version (before attaching a new set).
DELETE FROM package_files WHERE version_id = @version_id;

-- name: ListPackageFiles :many
-- ListPackageFiles lists the files of a version by name.
SELECT * FROM package_files WHERE version_id = @version_id ORDER BY name;

-- name: GetRepositoryPackageTotals :one
-- GetRepositoryPackageTotals sums a repository's packages: counts, the
-- logical size (every file of every version) and the stored size (each
-- distinct blob once).
SELECT
    (SELECT count(*) FROM packages p WHERE p.repository_id = @repository_id)::bigint AS packages,
    (SELECT count(*) FROM versions v JOIN packages p ON p.id = v.package_id WHERE p.repository_id = @repository_id)::bigint AS versions,
    (SELECT count(*) FROM package_files f JOIN versions v ON v.id = f.version_id JOIN packages p ON p.id = v.package_id WHERE p.repository_id = @repository_id)::bigint AS files,
    (SELECT COALESCE(sum(f.size), 0) FROM package_files f JOIN versions v ON v.id = f.version_id JOIN packages p ON p.id = v.package_id WHERE p.repository_id = @repository_id)::bigint AS size,
    (SELECT COALESCE(sum(b.size), 0) FROM blobs b WHERE b.digest IN (
        SELECT f.blob_digest FROM package_files f JOIN versions v ON v.id = f.version_id JOIN packages p ON p.id = v.package_id WHERE p.repository_id = @repository_id))::bigint AS stored_size;

-- name: ListTreeFilesAsPackages :many
-- ListTreeFilesAsPackages pages the files (not folders) of a files
-- repository whose path contains q, by path: the package view of a tree.
SELECT id, path, blob_digest, size, content_type, uploaded_by, created_at, updated_at
FROM repository_files
WHERE repository_id = @repository_id AND NOT is_folder AND strpos(lower(path), lower(@q::text)) > 0
ORDER BY path
LIMIT @lim OFFSET @off;

-- name: CountTreeFilesAsPackages :one
-- CountTreeFilesAsPackages is the total behind ListTreeFilesAsPackages.
SELECT count(*) FROM repository_files
WHERE repository_id = @repository_id AND NOT is_folder AND strpos(lower(path), lower(@q::text)) > 0;

-- name: GetTreeFileAsPackage :one
-- GetTreeFileAsPackage finds one file of a files repository by path.
SELECT id, path, blob_digest, size, content_type, uploaded_by, created_at, updated_at
FROM repository_files
WHERE repository_id = @repository_id AND path = @path AND NOT is_folder;

-- name: GetPackageSummary :one
-- GetPackageSummary counts one package's versions and sums its files.
SELECT
    (SELECT count(*) FROM versions v WHERE v.package_id = @id)::bigint AS version_count,
    (SELECT COALESCE(sum(f.size), 0) FROM versions v JOIN package_files f ON f.version_id = v.id WHERE v.package_id = @id)::bigint AS size,
    COALESCE((SELECT v.version FROM versions v WHERE v.package_id = @id ORDER BY v.created_at DESC, v.id DESC LIMIT 1), '')::text AS latest_version;

-- name: InsertVersionIfAbsent :one
-- InsertVersionIfAbsent returns a version, adding it first when it is new
-- (an existing one keeps its metadata); inserted tells which. For formats
-- whose releases collect files one upload at a time (PyPI).
-- The no-op update (not DO NOTHING) returns the row even when a concurrent
-- insert committed it after this statement's snapshot; xmax = 0 only on a
-- row this statement inserted.
INSERT INTO versions (package_id, version, metadata, created_by) VALUES (@package_id, @version, @metadata, @created_by)
ON CONFLICT (package_id, version) DO UPDATE SET version = EXCLUDED.version
RETURNING *, (xmax = 0)::bool AS inserted;

-- name: DeletePackageFileByName :execrows
-- DeletePackageFileByName detaches one file of a version.
DELETE FROM package_files WHERE version_id = @version_id AND name = @name;

-- name: CountPackageFiles :one
-- CountPackageFiles counts the files of a version.
SELECT count(*) FROM package_files WHERE version_id = @version_id;
