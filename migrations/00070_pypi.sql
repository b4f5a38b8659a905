-- +goose Up
-- PyPI (issue 10): what the simple index serves beyond the generic package
-- model. One row per file name ever uploaded to a repository: the row stays
-- when the file is deleted, because a file name is never reusable (PyPI's
-- rule: an installer that cached a file under its name must never get other
-- bytes for it). A file is live while the package_files row of the same
-- version and name exists; deleting the version or the file through the
-- generic service ends that, with no hook.
CREATE TABLE pypi_files (
    id              bigserial PRIMARY KEY,
    repository_id   bigint NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    filename        text NOT NULL,
    -- PEP 503 normalized project name and the version as uploaded.
    project         text NOT NULL,
    version         text NOT NULL,
    -- The version with trailing zeros of its release dropped: 1.0 and
    -- 1.0.0 are one PEP 440 version, so they are one release.
    canonical_version text NOT NULL,
    version_id      bigint REFERENCES versions(id) ON DELETE SET NULL,
    kind            text NOT NULL,
    size            bigint NOT NULL,
    sha256          text NOT NULL,
    md5             text NOT NULL DEFAULT '',
    blake2_256      text NOT NULL DEFAULT '',
    requires_python text NOT NULL DEFAULT '',
    -- The core metadata file (PEP 658), stored as a blob of its own.
    metadata_digest text REFERENCES blobs(digest),
    yanked          boolean NOT NULL DEFAULT false,
    yanked_reason   text NOT NULL DEFAULT '',
    uploaded_by     text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (repository_id, filename)
);
CREATE INDEX pypi_files_project_idx ON pypi_files (repository_id, project, canonical_version);
CREATE INDEX pypi_files_version_idx ON pypi_files (version_id);
CREATE INDEX pypi_files_metadata_idx ON pypi_files (metadata_digest);

-- The simple index's serial per repository (PyPI's last serial): bumped in
-- the transaction of every change the index shows (upload, yank, delete),
-- so a node can serve a rendered page from memory after one primary-key
-- read, and clients get X-PyPI-Last-Serial.
CREATE TABLE pypi_index (
    repository_id bigint PRIMARY KEY REFERENCES repositories(id) ON DELETE CASCADE,
    serial        bigint NOT NULL
);

-- +goose Down
DROP TABLE pypi_index;
DROP TABLE pypi_files;
