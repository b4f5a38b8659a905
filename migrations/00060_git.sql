-- +goose Up
-- Git repositories of Go-format repositories (issue 11): one row per module
-- path served at /git/<repo>/<module path>.git. Objects and refs live here,
-- not on a node's disk, so any node serves any git repository.
CREATE TABLE git_repositories (
    id            bigserial PRIMARY KEY,
    repository_id bigint NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    module_path   text NOT NULL CHECK (module_path <> ''),
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (repository_id, module_path)
);

-- Git objects stored whole and uncompressed (TOAST compresses large values).
-- Postgres rather than one object-store key per object: a fetch reads
-- thousands of small objects, one round trip each on S3 but a single query
-- batch here. type is go-git's plumbing.ObjectType (1 commit, 2 tree,
-- 3 blob, 4 tag).
CREATE TABLE git_objects (
    git_repository_id bigint NOT NULL REFERENCES git_repositories(id) ON DELETE CASCADE,
    hash              bytea NOT NULL CHECK (length(hash) = 20),
    type              smallint NOT NULL CHECK (type BETWEEN 1 AND 4),
    size              bigint NOT NULL CHECK (size >= 0),
    content           bytea NOT NULL,
    PRIMARY KEY (git_repository_id, hash)
);

-- Refs: a hash (branches, tags) or a symbolic target (HEAD). Updates are
-- compare-and-swap on target, so two nodes pushing at once cannot both win.
CREATE TABLE git_refs (
    git_repository_id bigint NOT NULL REFERENCES git_repositories(id) ON DELETE CASCADE,
    name              text NOT NULL CHECK (name <> ''),
    target            bytea CHECK (length(target) = 20),
    symbolic          text,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (git_repository_id, name),
    CHECK ((target IS NULL) <> (symbolic IS NULL))
);

-- +goose Down
DROP TABLE git_refs;
DROP TABLE git_objects;
DROP TABLE git_repositories;
