-- +goose Up
-- pg_trgm ships with the PostgreSQL server (contrib) and is a trusted
-- extension, so the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The search outbox: writers add a row in the same transaction as the change
-- it describes, and the indexer (one node at a time) re-reads the current
-- state of what the row names and sends it to the index, deleting the row
-- only once the index accepted it. Rows name things, not values, so replays
-- and reordering are harmless.
CREATE TABLE search_outbox (
    id            bigserial PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('repository', 'package', 'file')),
    repository_id bigint NOT NULL,
    package_id    bigint,
    path          text COLLATE "C",
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'package') = (package_id IS NOT NULL)),
    CHECK ((kind = 'file') = (path IS NOT NULL))
);

-- The Postgres search backend's denormalised documents: one row per
-- repository, package and file, with what a hit shows and what the
-- visibility predicate needs (grants are read live from
-- repository_permissions).
CREATE TABLE search_documents (
    id              text PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('repository', 'package', 'file')),
    repository_id   bigint NOT NULL,
    repository_name text NOT NULL,
    repository_type text NOT NULL,
    visibility      text NOT NULL,
    owner_id        bigint,
    owner           text NOT NULL DEFAULT '',
    description     text NOT NULL DEFAULT '',
    name            text NOT NULL,
    normalized_name text NOT NULL DEFAULT '',
    version         text NOT NULL DEFAULT '',
    path            text NOT NULL DEFAULT '',
    uploaded_by     text NOT NULL DEFAULT '',
    updated_at      timestamptz NOT NULL,
    indexed_at      timestamptz NOT NULL DEFAULT now(),
    -- What the query matches: the lowercased name, and every searchable
    -- field together for substring matches (packages and files by name
    -- and path; repositories also by description and owner).
    -- The C collation orders names by bytes, as Elasticsearch's keyword
    -- sort does, and lets one btree serve both prefixes and name order.
    name_lc         text COLLATE "C" GENERATED ALWAYS AS (lower(name)) STORED,
    haystack        text GENERATED ALWAYS AS (lower(name || ' ' || path ||
                        CASE WHEN kind = 'repository' THEN ' ' || description || ' ' || owner ELSE '' END)) STORED
);
-- Substring matches on any field, and fuzzy (word similarity) on names.
CREATE INDEX search_documents_haystack_trgm_idx ON search_documents USING gin (haystack gin_trgm_ops);
CREATE INDEX search_documents_name_trgm_idx ON search_documents USING gin (name_lc gin_trgm_ops);
-- Exact and prefix matches in name order, walked until a page is full.
CREATE INDEX search_documents_name_idx ON search_documents (name_lc, id);
CREATE INDEX search_documents_repository_idx ON search_documents (repository_id);
CREATE INDEX search_documents_normalized_name_idx ON search_documents (normalized_name);

-- +goose Down
DROP TABLE search_documents;
DROP TABLE search_outbox;
