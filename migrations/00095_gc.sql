-- +goose Up
-- Online garbage collection (issue 14, internal/gc). A writer that reuses
-- a stored blob (InsertBlob finding the digest known) stamps
-- last_referenced_at in the same statement; the collector deletes a blob
-- only if neither created_at nor last_referenced_at is after its cutoff,
-- re-checked under the row lock, so a push that re-references a candidate
-- during a collection keeps it.
ALTER TABLE blobs ADD COLUMN last_referenced_at timestamptz NOT NULL DEFAULT now();

-- +goose Down
ALTER TABLE blobs DROP COLUMN last_referenced_at;
