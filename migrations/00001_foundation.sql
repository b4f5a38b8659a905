-- +goose Up
-- Instance-wide settings (guest access, license, signing keys...), one JSON value per key.
CREATE TABLE settings (
    key        text PRIMARY KEY,
    value      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per stored object, shared across repositories. Every read of
-- content goes through this row: the digest is the identity, storage_key
-- is where the driver keeps it (content address on the filesystem, a fixed
-- per-upload key on S3, which has no rename).
CREATE TABLE blobs (
    digest      text PRIMARY KEY CHECK (digest ~ '^sha256:[0-9a-f]{64}$'),
    size        bigint NOT NULL CHECK (size >= 0),
    storage_key text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE blobs;
DROP TABLE settings;
