-- +goose Up
-- OCI registry state (issue 4). An OCI repository name is
-- "<kodera repository>/<image path>"; image is "" for an image at the
-- repository root. Digests as the client names them (sha256 or sha512);
-- blob_digest is the sha256 content address of the blobs row.

-- A blob is visible under a name only once it was pushed or mounted there.
CREATE TABLE oci_blob_links (
    repository_id bigint NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    image         text NOT NULL,
    digest        text NOT NULL,
    blob_digest   text NOT NULL REFERENCES blobs(digest),
    size          bigint NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository_id, image, digest)
);
CREATE INDEX oci_blob_links_blob_idx ON oci_blob_links (blob_digest);

-- Manifests are kept byte-exact in the database: at most 4 MiB, read on
-- every pull, and served without touching the object store.
CREATE TABLE oci_manifests (
    id             bigserial PRIMARY KEY,
    repository_id  bigint NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    image          text NOT NULL,
    digest         text NOT NULL,
    media_type     text NOT NULL,
    artifact_type  text NOT NULL DEFAULT '',
    subject_digest text,
    content        bytea NOT NULL,
    size           bigint NOT NULL,
    -- Sum of the config and layer sizes (images) or of the children (indexes).
    total_size     bigint NOT NULL DEFAULT 0,
    annotations    jsonb NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (repository_id, image, digest)
);
CREATE INDEX oci_manifests_subject_idx ON oci_manifests (repository_id, image, subject_digest) WHERE subject_digest IS NOT NULL;

-- What a manifest references: blobs (config, layers) and child manifests.
CREATE TABLE oci_manifest_refs (
    manifest_id bigint NOT NULL REFERENCES oci_manifests(id) ON DELETE CASCADE,
    digest      text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('blob', 'manifest')),
    PRIMARY KEY (manifest_id, kind, digest)
);
CREATE INDEX oci_manifest_refs_digest_idx ON oci_manifest_refs (digest);

CREATE TABLE oci_tags (
    repository_id bigint NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    image         text NOT NULL,
    tag           text NOT NULL,
    manifest_id   bigint NOT NULL REFERENCES oci_manifests(id) ON DELETE CASCADE,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository_id, image, tag)
);
CREATE INDEX oci_tags_manifest_idx ON oci_tags (manifest_id);

-- Upload sessions: the next chunk may land on any node, so everything a
-- node needs to continue lives here (offset, resumable sha256 state, the
-- objects holding the chunks received so far).
CREATE TABLE oci_uploads (
    id            text PRIMARY KEY,
    repository_id bigint NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    image         text NOT NULL,
    "offset"      bigint NOT NULL DEFAULT 0,
    hash_state    bytea NOT NULL,
    parts         text[] NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oci_uploads_updated_idx ON oci_uploads (updated_at);

-- +goose Down
DROP TABLE oci_uploads;
DROP TABLE oci_tags;
DROP TABLE oci_manifest_refs;
DROP TABLE oci_manifests;
DROP TABLE oci_blob_links;
