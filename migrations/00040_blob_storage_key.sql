-- +goose Up
-- The upload sweeper asks which stored objects no blobs row names (S3
-- objects/<id> keys say nothing of their digest), in batches by key.
CREATE INDEX blobs_storage_key_idx ON blobs (storage_key);

-- +goose Down
DROP INDEX blobs_storage_key_idx;
