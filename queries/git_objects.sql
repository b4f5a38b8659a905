-- name: GetGitObject :one
-- GetGitObject returns one object with its content.
SELECT type, size, content FROM git_objects
WHERE git_repository_id = @git_repository_id AND hash = @hash;

-- name: GetGitObjectHeader :one
-- GetGitObjectHeader returns an object's type and size without its content.
SELECT type, size FROM git_objects
WHERE git_repository_id = @git_repository_id AND hash = @hash;

-- name: ListGitObjects :many
-- ListGitObjects returns the objects among hashes that exist, with content:
-- one round trip for a batch of a fetch.
SELECT hash, type, size, content FROM git_objects
WHERE git_repository_id = @git_repository_id AND hash = ANY(@hashes::bytea[]);

-- name: ListExistingGitObjects :many
-- ListExistingGitObjects returns which of hashes exist.
SELECT hash FROM git_objects
WHERE git_repository_id = @git_repository_id AND hash = ANY(@hashes::bytea[]);

-- name: ListGitObjectHashes :many
-- ListGitObjectHashes returns the hashes of all objects, or of one type.
SELECT hash FROM git_objects
WHERE git_repository_id = @git_repository_id
  AND (sqlc.narg('type')::smallint IS NULL OR type = sqlc.narg('type')::smallint)
ORDER BY hash;

-- name: InsertGitObjects :exec
-- InsertGitObjects stores a batch of objects; content-addressed, so an
-- existing hash is left as it is.
INSERT INTO git_objects (git_repository_id, hash, type, size, content)
SELECT @git_repository_id::bigint, unnest(@hashes::bytea[]), unnest(@types::smallint[]),
       unnest(@sizes::bigint[]), unnest(@contents::bytea[])
ON CONFLICT (git_repository_id, hash) DO NOTHING;
