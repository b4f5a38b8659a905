-- PyPI's file table (migration 00070): one row per file name ever uploaded;
-- live while the generic package_files row of its version and name exists.

-- name: InsertPyPIFile :one
-- InsertPyPIFile records an uploaded file name; a name used before, even by
-- a deleted file, is a unique violation.
INSERT INTO pypi_files (repository_id, filename, project, version, canonical_version, version_id, kind, size, sha256, md5, blake2_256,
    requires_python, metadata_digest, uploaded_by)
VALUES (@repository_id, @filename, @project, @version, @canonical_version, @version_id, @kind, @size, @sha256, @md5, @blake2_256,
    @requires_python, sqlc.narg('metadata_digest'), @uploaded_by)
RETURNING *;

-- name: ListPyPIProjectFiles :many
-- ListPyPIProjectFiles lists the live files of a project by file name.
SELECT pf.filename, pf.version, pf.kind, pf.size, pf.sha256, pf.md5, pf.blake2_256, pf.requires_python, pf.metadata_digest,
       pf.yanked, pf.yanked_reason, pf.uploaded_by, pf.created_at
FROM pypi_files pf
JOIN package_files f ON f.version_id = pf.version_id AND f.name = pf.filename
WHERE pf.repository_id = @repository_id AND pf.project = @project
ORDER BY pf.filename;

-- name: ListPyPIVersionFiles :many
-- ListPyPIVersionFiles lists the live files of one version by file name.
SELECT pf.filename, pf.version, pf.kind, pf.size, pf.sha256, pf.md5, pf.blake2_256, pf.requires_python, pf.metadata_digest,
       pf.yanked, pf.yanked_reason, pf.uploaded_by, pf.created_at
FROM pypi_files pf
JOIN package_files f ON f.version_id = pf.version_id AND f.name = pf.filename
WHERE pf.version_id = @version_id
ORDER BY pf.filename;

-- name: GetPyPIFile :one
-- GetPyPIFile finds a live file by name with where its content and its
-- metadata file are stored.
SELECT pf.filename, pf.size, pf.sha256, pf.created_at, pf.version_id, f.blob_digest, b.storage_key,
       pf.metadata_digest, COALESCE(mb.storage_key, '')::text AS metadata_key, COALESCE(mb.size, 0)::bigint AS metadata_size
FROM pypi_files pf
JOIN package_files f ON f.version_id = pf.version_id AND f.name = pf.filename
JOIN blobs b ON b.digest = f.blob_digest
LEFT JOIN blobs mb ON mb.digest = pf.metadata_digest
WHERE pf.repository_id = @repository_id AND pf.filename = @filename;

-- name: ListPyPIProjects :many
-- ListPyPIProjects lists every project of a repository by normalized name,
-- for the root of the simple index.
SELECT p.name, p.normalized_name FROM packages p
WHERE p.repository_id = @repository_id
ORDER BY p.normalized_name;

-- name: SetPyPIVersionYanked :execrows
-- SetPyPIVersionYanked yanks (or unyanks) every file of a version (PEP 592).
UPDATE pypi_files SET yanked = @yanked, yanked_reason = @yanked_reason WHERE version_id = @version_id;

-- name: GetPyPIVersionYanked :one
-- GetPyPIVersionYanked tells whether a version's files are yanked, and why.
SELECT COALESCE(bool_or(yanked), false)::bool AS yanked, COALESCE(max(yanked_reason), '')::text AS yanked_reason
FROM pypi_files WHERE version_id = @version_id;

-- name: PyPIFileNameUsed :one
-- PyPIFileNameUsed tells whether a file name was ever uploaded to a
-- repository, deleted or not.
SELECT EXISTS (SELECT 1 FROM pypi_files WHERE repository_id = @repository_id AND filename = @filename);

-- name: ListPyPIVersionsYanked :many
-- ListPyPIVersionsYanked gives the yank state of several versions at once.
SELECT version_id::bigint AS version_id, bool_or(yanked)::bool AS yanked, max(yanked_reason)::text AS yanked_reason
FROM pypi_files WHERE version_id = ANY(@version_ids::bigint[])
GROUP BY version_id;

-- name: BumpPyPISerial :one
-- BumpPyPISerial counts one more change of a repository's index.
INSERT INTO pypi_index (repository_id, serial) VALUES (@repository_id, 1)
ON CONFLICT (repository_id) DO UPDATE SET serial = pypi_index.serial + 1
RETURNING serial;

-- name: GetPyPISerial :one
-- GetPyPISerial is a repository's index serial (0 before any change).
SELECT COALESCE((SELECT serial FROM pypi_index WHERE repository_id = @repository_id), 0)::bigint;

-- name: GetPyPIReleaseVersion :one
-- GetPyPIReleaseVersion is how a release of a project was first spelled,
-- by its canonical version ('' when it has none).
SELECT COALESCE((SELECT version FROM pypi_files
    WHERE repository_id = @repository_id AND project = @project AND canonical_version = @canonical_version
    ORDER BY id LIMIT 1), '')::text;
