-- name: GetBlobLink :one
-- GetBlobLink finds a blob visible under an OCI name, with where it is stored.
SELECT l.digest, l.blob_digest, l.size, b.storage_key
FROM oci_blob_links l JOIN blobs b ON b.digest = l.blob_digest
WHERE l.repository_id = @repository_id AND l.image = @image AND l.digest = @digest;

-- name: InsertBlobLink :exec
-- InsertBlobLink makes a stored blob visible under an OCI name. Linking it
-- again restarts its garbage-collection grace period (created_at), since a
-- manifest that needs it is about to be pushed.
INSERT INTO oci_blob_links (repository_id, image, digest, blob_digest, size)
VALUES (@repository_id, @image, @digest, @blob_digest, @size)
ON CONFLICT (repository_id, image, digest) DO UPDATE SET created_at = now();

-- name: TouchBlobLink :exec
-- TouchBlobLink restarts a link's garbage-collection grace period: a
-- client that HEADs a blob skips uploading it and pushes a manifest
-- naming it next, so the link must outlive a collection running meanwhile.
UPDATE oci_blob_links SET created_at = now()
WHERE repository_id = @repository_id AND image = @image AND digest = @digest;

-- name: DeleteBlobLink :execrows
-- DeleteBlobLink hides a blob from an OCI name (the content stays for GC).
DELETE FROM oci_blob_links WHERE repository_id = @repository_id AND image = @image AND digest = @digest;

-- name: LockLinkedDigests :many
-- LockLinkedDigests returns which of the digests are visible under an OCI
-- name, share-locking their links until the transaction ends so that a
-- concurrent blob delete waits for (and then sees) the manifest that needs them.
SELECT digest FROM oci_blob_links
WHERE repository_id = @repository_id AND image = @image AND digest = ANY(@digests::text[])
ORDER BY digest
FOR SHARE;

-- name: ListBlobLinkSources :many
-- ListBlobLinkSources returns a few names a blob is visible under, for mounts without "from".
SELECT r.name AS repository, l.image FROM oci_blob_links l JOIN repositories r ON r.id = l.repository_id
WHERE l.digest = @digest AND r.type = 'docker'
ORDER BY l.created_at LIMIT 20;
