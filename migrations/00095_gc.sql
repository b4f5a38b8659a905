-- +goose Up
-- Online garbage collection (issue 14, internal/gc). A writer that reuses
-- a stored blob (InsertBlob finding the digest known) stamps
-- last_referenced_at in the same statement; the collector deletes a blob
-- only if neither created_at nor last_referenced_at is after its cutoff,
-- re-checked under the row lock, so a push that re-references a candidate
-- during a collection keeps it.
ALTER TABLE blobs ADD COLUMN last_referenced_at timestamptz NOT NULL DEFAULT now();
-- Candidates are found by age: the oldest unreferenced blobs first.
CREATE INDEX blobs_last_referenced_idx ON blobs (last_referenced_at);
-- Link collection: links of an OCI name no manifest of it references.
CREATE INDEX oci_blob_links_created_idx ON oci_blob_links (created_at);

-- +goose Down
DROP INDEX oci_blob_links_created_idx;
DROP INDEX blobs_last_referenced_idx;
ALTER TABLE blobs DROP COLUMN last_referenced_at;
