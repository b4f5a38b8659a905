-- name: CreateUpload :exec
-- CreateUpload opens an upload session.
INSERT INTO oci_uploads (id, repository_id, image, hash_state) VALUES (@id, @repository_id, @image, @hash_state);

-- name: GetUpload :one
-- GetUpload finds an upload session of an OCI name.
SELECT * FROM oci_uploads WHERE id = @id AND repository_id = @repository_id AND image = @image;

-- name: AdvanceUpload :execrows
-- AdvanceUpload appends a received chunk, only if no other chunk got in first.
UPDATE oci_uploads SET "offset" = @new_offset, hash_state = @hash_state,
       parts = array_append(parts, @part::text), updated_at = now()
WHERE id = @id AND "offset" = @old_offset AND (lease IS NULL OR lease_until < now());

-- name: DeleteUpload :execrows
-- DeleteUpload ends an upload session, unless a chunk is being written into it.
DELETE FROM oci_uploads WHERE id = @id AND (lease IS NULL OR lease_until < now());

-- name: ListStaleUploads :many
-- ListStaleUploads returns sessions untouched since before.
SELECT * FROM oci_uploads WHERE updated_at < @before ORDER BY updated_at LIMIT 100;

-- name: LeaseUpload :execrows
-- LeaseUpload lets one request write the next chunk at offset (or finish
-- the upload) for ttl_seconds of database time; 0 rows means another chunk
-- got in first or is being written. A lease whose holder died simply runs out.
UPDATE oci_uploads SET lease = @lease, lease_until = now() + make_interval(secs => @ttl_seconds::float8), updated_at = now()
WHERE id = @id AND "offset" = @at_offset AND (lease IS NULL OR lease_until < now());

-- name: RenewUploadLease :execrows
-- RenewUploadLease extends a lease while its request is still working; 0
-- rows means the lease was lost.
UPDATE oci_uploads SET lease_until = now() + make_interval(secs => @ttl_seconds::float8)
WHERE id = @id AND lease = @lease;

-- name: GetUploadState :one
-- GetUploadState says why a lease was refused: the offset, and for how
-- many seconds a live lease still holds the upload (0 when none).
SELECT "offset",
       COALESCE(CASE WHEN lease IS NOT NULL AND lease_until >= now()
                     THEN extract(epoch FROM lease_until - now()) END, 0)::float8 AS busy_seconds
FROM oci_uploads WHERE id = @id;

-- name: FinishLeasedUpload :execrows
-- FinishLeasedUpload ends an upload session its lease holder finished.
DELETE FROM oci_uploads WHERE id = @id AND lease = @lease;

-- name: AdvanceLeasedUpload :execrows
-- AdvanceLeasedUpload records a chunk written in place and ends the lease.
UPDATE oci_uploads SET "offset" = @new_offset, hash_state = @hash_state, parts = ARRAY[@part::text],
       lease = NULL, lease_until = NULL, updated_at = now()
WHERE id = @id AND lease = @lease;

-- name: ReleaseUpload :exec
-- ReleaseUpload ends a lease whose chunk failed.
UPDATE oci_uploads SET lease = NULL, lease_until = NULL WHERE id = @id AND lease = @lease;

-- name: ListLiveUploads :many
-- ListLiveUploads returns which of the ids are upload sessions.
SELECT id FROM oci_uploads WHERE id = ANY(@ids::text[]);

-- name: ListUnusedStorageKeys :many
-- ListUnusedStorageKeys returns which of the keys neither a blobs row nor
-- an upload session's chunks name: what a dead upload left behind.
SELECT k::text AS key FROM unnest(@keys::text[]) AS k
WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.storage_key = k)
  AND NOT EXISTS (SELECT 1 FROM oci_uploads u WHERE k = ANY(u.parts));
