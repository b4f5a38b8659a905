-- name: GetFile :one
-- GetFile finds the file or folder at a path of a repository.
SELECT * FROM repository_files WHERE repository_id = @repository_id AND path = @path;

-- name: GetFileForUpdate :one
-- GetFileForUpdate finds and locks the file or folder at a path, so that an
-- overwrite, move or delete decides on the row it changes.
SELECT * FROM repository_files WHERE repository_id = @repository_id AND path = @path FOR UPDATE;

-- name: EnsureFolder :one
-- EnsureFolder creates the folder at a path unless a row is there already,
-- and returns that row locked either way: the caller checks it is a folder,
-- and a concurrent recursive delete of it waits for the caller's commit.
INSERT INTO repository_files (repository_id, path, parent, name, is_folder, uploaded_by)
VALUES (@repository_id, @path, @parent, @name, true, @uploaded_by)
ON CONFLICT (repository_id, path) DO UPDATE SET updated_at = repository_files.updated_at
RETURNING *;

-- name: InsertFile :one
-- InsertFile adds a file at a free path; no row comes back when the path
-- is taken, and the caller then decides whether to overwrite.
INSERT INTO repository_files (repository_id, path, parent, name, is_folder, blob_digest, size, content_type, sha1, md5, uploaded_by)
VALUES (@repository_id, @path, @parent, @name, false, @blob_digest, @size, @content_type, @sha1, @md5, @uploaded_by)
ON CONFLICT (repository_id, path) DO NOTHING
RETURNING *;

-- name: UpdateFileContent :one
-- UpdateFileContent points an existing file at new content.
UPDATE repository_files
SET blob_digest = @blob_digest, size = @size, content_type = @content_type, sha1 = @sha1, md5 = @md5,
    uploaded_by = @uploaded_by, updated_at = now()
WHERE id = @id AND NOT is_folder
RETURNING *;

-- name: ListFolder :many
-- ListFolder returns one page of a folder's children, folders first, then
-- by name; the page starts after the (after_folder, after_name) key when
-- has_cursor is set.
SELECT * FROM repository_files
WHERE repository_id = @repository_id AND parent = @parent
  AND (NOT @has_cursor::boolean
       OR is_folder < @after_folder::boolean
       OR (is_folder = @after_folder::boolean AND name > @after_name::text))
ORDER BY is_folder DESC, name
LIMIT @max_rows;

-- name: DeleteTree :execrows
-- DeleteTree removes a file, or a folder with everything below it.
DELETE FROM repository_files
WHERE repository_id = @repository_id
  AND (path = @path OR (path > @path::text || '/' AND path < @path::text || '0'));

-- name: MoveTree :execrows
-- MoveTree renames a file, or a folder with everything below it, from
-- from_path to to_path (which the caller checked is free and not inside it).
UPDATE repository_files
SET path   = @to_path::text || substr(path, length(@from_path::text) + 1),
    parent = CASE WHEN path = @from_path::text THEN @to_parent::text
                  ELSE @to_path::text || substr(parent, length(@from_path::text) + 1) END,
    name   = CASE WHEN path = @from_path::text THEN @to_name::text ELSE name END,
    updated_at = CASE WHEN path = @from_path::text THEN now() ELSE updated_at END
WHERE repository_id = @repository_id
  AND (path = @from_path::text OR (path > @from_path::text || '/' AND path < @from_path::text || '0'));

-- name: GetFileWithStorageKey :one
-- GetFileWithStorageKey finds the file or folder at a path together with
-- where its content is stored, so a download needs one query.
SELECT sqlc.embed(f), b.storage_key
FROM repository_files f LEFT JOIN blobs b ON b.digest = f.blob_digest
WHERE f.repository_id = @repository_id AND f.path = @path;
