-- name: GetBlob :one
-- GetBlob finds a stored object by digest.
SELECT * FROM blobs WHERE digest = @digest;

-- name: InsertBlob :one
-- InsertBlob records a stored object; when the digest is already known the
-- existing row wins and is returned, so the caller can drop its duplicate.
-- The no-op update (not DO NOTHING) returns the row even when a concurrent
-- insert committed it after this statement's snapshot.
INSERT INTO blobs (digest, size, storage_key) VALUES (@digest, @size, @storage_key)
ON CONFLICT (digest) DO UPDATE SET digest = EXCLUDED.digest
RETURNING *;

-- name: RepairBlobStorageKey :exec
-- RepairBlobStorageKey points a digest at a fresh copy when the object its
-- row named was lost, but only if no one repaired it first.
UPDATE blobs SET storage_key = @new_key WHERE digest = @digest AND storage_key = @old_key;
