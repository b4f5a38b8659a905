-- name: GetBlob :one
-- GetBlob finds a stored object by digest.
SELECT * FROM blobs WHERE digest = @digest;

-- name: InsertBlob :one
-- InsertBlob records a stored object; when the digest is already known the
-- existing row wins and is returned, so the caller can drop its duplicate.
-- The no-op-style update (not DO NOTHING) returns the row even when a
-- concurrent insert committed it after this statement's snapshot, and
-- reusing a known digest stamps last_referenced_at: garbage collection
-- re-checks it under the row lock, so the blob outlives a collection that
-- had picked it (internal/gc). Conflicting with a row a collection is
-- deleting waits for it and then inserts afresh.
INSERT INTO blobs (digest, size, storage_key) VALUES (@digest, @size, @storage_key)
ON CONFLICT (digest) DO UPDATE SET last_referenced_at = now()
RETURNING *;

-- name: RepairBlobStorageKey :exec
-- RepairBlobStorageKey points a digest at a fresh copy when the object its
-- row named was lost, but only if no one repaired it first.
UPDATE blobs SET storage_key = @new_key WHERE digest = @digest AND storage_key = @old_key;
