-- Garbage collection (internal/gc). A blob is referenced while any of
-- these names it: an OCI blob link, a package file (every format's files,
-- OCI image layers and configs, Go module zips, PyPI files), a file of a
-- files repository, or a PyPI file's core metadata. Upload sessions in
-- progress hold storage keys, not blobs rows; registry.SweepOrphans keeps
-- their objects.

-- name: ListUnreferencedLinks :many
-- ListUnreferencedLinks returns OCI blob links older than the cutoff that no
-- manifest of the same name references (what deleted manifests left), a
-- page after the given key.
SELECT l.repository_id, l.image, l.digest, l.size FROM oci_blob_links l
WHERE l.created_at < @cutoff
  AND (l.repository_id, l.image, l.digest) > (@after_repository_id::bigint, @after_image::text, @after_digest::text)
  AND NOT EXISTS (SELECT 1 FROM oci_manifest_refs r JOIN oci_manifests m ON m.id = r.manifest_id
                  WHERE m.repository_id = l.repository_id AND m.image = l.image AND r.kind = 'blob' AND r.digest = l.digest)
ORDER BY l.repository_id, l.image, l.digest
LIMIT @max_rows;

-- name: DeleteStaleBlobLink :execrows
-- DeleteStaleBlobLink deletes a link only if it is still older than the
-- cutoff: a push that touched it meanwhile (TouchBlobLink) keeps it.
DELETE FROM oci_blob_links
WHERE repository_id = @repository_id AND image = @image AND digest = @digest AND created_at < @cutoff;

-- name: ReleaseDeadPyPIMetadata :execrows
-- ReleaseDeadPyPIMetadata drops the core-metadata reference (PEP 658) of
-- PyPI files whose file is gone (a deleted file or release): the row
-- stays so that its name is never uploaded again, its metadata blob
-- becomes collectable. An upload writes its package_files and pypi_files
-- rows in one transaction, so a live file is never seen half-written.
UPDATE pypi_files pf SET metadata_digest = NULL
WHERE pf.metadata_digest IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM package_files f WHERE f.version_id = pf.version_id AND f.name = pf.filename);

-- name: CountDeadPyPIMetadata :one
-- CountDeadPyPIMetadata counts what ReleaseDeadPyPIMetadata would release (dry run).
SELECT count(*) FROM pypi_files pf
WHERE pf.metadata_digest IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM package_files f WHERE f.version_id = pf.version_id AND f.name = pf.filename);

-- name: ListGCCandidates :many
-- ListGCCandidates returns blobs neither created nor re-referenced since the
-- cutoff that nothing references, a page after the given digest: the mark.
SELECT b.digest, b.size, b.storage_key FROM blobs b
WHERE b.created_at < @cutoff AND b.last_referenced_at < @cutoff
  AND NOT EXISTS (SELECT 1 FROM oci_blob_links l WHERE l.blob_digest = b.digest)
  AND NOT EXISTS (SELECT 1 FROM package_files f WHERE f.blob_digest = b.digest)
  AND NOT EXISTS (SELECT 1 FROM repository_files f WHERE f.blob_digest = b.digest)
  AND NOT EXISTS (SELECT 1 FROM pypi_files f WHERE f.metadata_digest = b.digest)
  AND b.digest > @after
ORDER BY b.digest
LIMIT @max_rows;

-- name: LockGCCandidate :one
-- LockGCCandidate locks a marked blob and re-checks, in this transaction's
-- fresh snapshot, that it is still unreferenced and untouched since the
-- cutoff; no row means keep it. A writer stamping last_referenced_at waits
-- for this lock, then finds the row gone and inserts it afresh.
SELECT b.digest, b.size, b.storage_key FROM blobs b
WHERE b.digest = @digest AND b.created_at < @cutoff AND b.last_referenced_at < @cutoff
  AND NOT EXISTS (SELECT 1 FROM oci_blob_links l WHERE l.blob_digest = b.digest)
  AND NOT EXISTS (SELECT 1 FROM package_files f WHERE f.blob_digest = b.digest)
  AND NOT EXISTS (SELECT 1 FROM repository_files f WHERE f.blob_digest = b.digest)
  AND NOT EXISTS (SELECT 1 FROM pypi_files f WHERE f.metadata_digest = b.digest)
FOR UPDATE OF b;

-- name: DeleteGCBlob :execrows
-- DeleteGCBlob removes a locked, re-checked blob row.
DELETE FROM blobs WHERE digest = @digest;

-- name: ListBlobsAfter :many
-- ListBlobsAfter pages through every blobs row by digest, for fsck.
SELECT digest, size, storage_key FROM blobs WHERE digest > @after ORDER BY digest LIMIT @max_rows;
