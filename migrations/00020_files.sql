-- +goose Up
-- The tree of a `files` repository: one row per file or folder. Folders are
-- explicit rows (created with the first file below them, or on their own),
-- so a listing is one index range and an empty folder can exist. A file
-- and a folder cannot share a path: the path is unique within a repository.
-- Paths use the C collation so that a folder's subtree is the index range
-- (path > 'dir/' AND path < 'dir0'), whatever characters names contain.
CREATE TABLE repository_files (
    id            bigserial PRIMARY KEY,
    repository_id bigint NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    -- "a/b/c.txt": validated segments joined by '/', no leading slash.
    path          text COLLATE "C" NOT NULL CHECK (path <> '' AND length(path) <= 1024),
    -- The containing folder's path, '' at the root.
    parent        text COLLATE "C" NOT NULL,
    name          text COLLATE "C" NOT NULL CHECK (name <> ''),
    is_folder     boolean NOT NULL,
    blob_digest   text REFERENCES blobs(digest),
    size          bigint NOT NULL DEFAULT 0 CHECK (size >= 0),
    content_type  text NOT NULL DEFAULT '',
    -- Lowercase hex, computed at upload in the same pass as the sha256.
    sha1          text NOT NULL DEFAULT '',
    md5           text NOT NULL DEFAULT '',
    uploaded_by   text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (repository_id, path),
    CHECK (is_folder = (blob_digest IS NULL))
);
-- Listings: the children of one folder, folders first, by name.
CREATE INDEX repository_files_parent_idx ON repository_files (repository_id, parent, is_folder DESC, name);
-- Garbage collection: is a blob still referenced by some file?
CREATE INDEX repository_files_blob_digest_idx ON repository_files (blob_digest) WHERE blob_digest IS NOT NULL;

-- +goose Down
DROP TABLE repository_files;
