-- +goose Up
-- The generic package model shared by every repository type.
CREATE TABLE packages (
    id              bigserial PRIMARY KEY,
    repository_id   bigint NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    name            text NOT NULL,
    -- The form used for lookups (PEP 503 names, lowercased module paths...).
    normalized_name text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (repository_id, normalized_name)
);

CREATE TABLE versions (
    id         bigserial PRIMARY KEY,
    package_id bigint NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
    version    text NOT NULL,
    metadata   jsonb NOT NULL DEFAULT '{}',
    created_by text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (package_id, version)
);

CREATE TABLE package_files (
    id           bigserial PRIMARY KEY,
    version_id   bigint NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    name         text NOT NULL,
    blob_digest  text NOT NULL REFERENCES blobs(digest),
    size         bigint NOT NULL,
    content_type text NOT NULL DEFAULT 'application/octet-stream',
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (version_id, name)
);
CREATE INDEX package_files_blob_digest_idx ON package_files (blob_digest);

-- +goose Down
DROP TABLE package_files;
DROP TABLE versions;
DROP TABLE packages;
