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
WHERE id = @id AND "offset" = @old_offset;

-- name: DeleteUpload :execrows
-- DeleteUpload ends an upload session.
DELETE FROM oci_uploads WHERE id = @id;

-- name: ListStaleUploads :many
-- ListStaleUploads returns sessions untouched since before.
SELECT * FROM oci_uploads WHERE updated_at < @before ORDER BY updated_at LIMIT 100;
