-- name: GetBlob :one
-- GetBlob finds a stored object by digest.
SELECT * FROM blobs WHERE digest = @digest;

-- name: InsertBlob :one
-- InsertBlob records a stored object; when the digest is already known the
-- existing row wins and is returned, so the caller can drop its duplicate.
WITH ins AS (
    INSERT INTO blobs (digest, size, storage_key) VALUES (@digest, @size, @storage_key)
    ON CONFLICT (digest) DO NOTHING
    RETURNING *
)
SELECT * FROM ins
UNION ALL
SELECT * FROM blobs WHERE digest = @digest AND NOT EXISTS (SELECT 1 FROM ins);
