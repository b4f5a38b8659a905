-- name: UpsertSearchDocuments :exec
-- UpsertSearchDocuments writes a batch of documents (parallel arrays; owner
-- id 0 = none).
INSERT INTO search_documents (id, kind, repository_id, repository_name, repository_type, visibility,
                              owner_id, owner, description, name, normalized_name, version, path,
                              uploaded_by, updated_at, indexed_at)
SELECT unnest(@ids::text[]), unnest(@kinds::text[]), unnest(@repository_ids::bigint[]),
       unnest(@repository_names::text[]), unnest(@repository_types::text[]), unnest(@visibilities::text[]),
       nullif(unnest(@owner_ids::bigint[]), 0), unnest(@owners::text[]), unnest(@descriptions::text[]),
       unnest(@names::text[]), unnest(@normalized_names::text[]), unnest(@versions::text[]),
       unnest(@paths::text[]), unnest(@uploaded_bys::text[]), unnest(@updated_ats::timestamptz[]), now()
ON CONFLICT (id) DO UPDATE SET
    kind = excluded.kind, repository_id = excluded.repository_id,
    repository_name = excluded.repository_name, repository_type = excluded.repository_type,
    visibility = excluded.visibility, owner_id = excluded.owner_id, owner = excluded.owner,
    description = excluded.description, name = excluded.name,
    normalized_name = excluded.normalized_name, version = excluded.version, path = excluded.path,
    uploaded_by = excluded.uploaded_by, updated_at = excluded.updated_at, indexed_at = now();

-- name: DeleteSearchDocuments :exec
-- DeleteSearchDocuments removes documents by id.
DELETE FROM search_documents WHERE id = ANY(@ids::text[]);

-- name: DeleteSearchDocumentsByRepository :exec
-- DeleteSearchDocumentsByRepository removes a repository's documents.
DELETE FROM search_documents WHERE repository_id = @repository_id;

-- name: UpdateSearchDocumentsRepository :exec
-- UpdateSearchDocumentsRepository copies a repository's fields onto all its
-- documents.
UPDATE search_documents SET
    repository_name = @repository_name, repository_type = @repository_type,
    visibility = @visibility, owner_id = sqlc.narg(owner_id), owner = @owner
WHERE repository_id = @repository_id;

-- name: DeleteSearchDocumentsIndexedBefore :exec
-- DeleteSearchDocumentsIndexedBefore drops what a full rebuild did not write again.
DELETE FROM search_documents WHERE indexed_at < @before;

-- name: SearchDocuments :many
-- SearchDocuments pages through the documents matching q (lowercased;
-- q_like has LIKE wildcards escaped, q_regex regex metacharacters) among
-- those the visibility predicate admits, best first: exact, prefix, word,
-- name substring, other-field substring, then fuzzy (word similarity) on
-- names (only for a one-word query: fuzzy, fuzzy: set by the caller); by
-- name (bytes) within a tier, by similarity among fuzzy ones.
-- The tiers are disjoint and appended in order, each already sorted and
-- cut at k = offset+limit, with no sort above them: the executor stops
-- pulling as soon as the page is full, so a popular term costs one walk of
-- the name index, not a ranking of every match. (An Append runs its
-- branches in order; PreferSearchIndexes turns parallel plans off.)
WITH v AS NOT MATERIALIZED (
    SELECT d.* FROM search_documents d
    WHERE (@all_repos::boolean
           OR (@public_repos::boolean AND d.visibility = 'public')
           OR d.owner_id = sqlc.narg(user_id)
           -- ARRAY(...) is computed once per query, never per row.
           OR d.repository_id = ANY(ARRAY(SELECT p.repository_id FROM repository_permissions p
                                          WHERE p.user_id = sqlc.narg(user_id) OR p.service_account_id = sqlc.narg(service_account_id))))
      AND (sqlc.narg(names)::text[] IS NULL OR d.repository_name = ANY(sqlc.narg(names)::text[]))
      AND (sqlc.narg(kinds)::text[] IS NULL OR d.kind = ANY(sqlc.narg(kinds)::text[]))
      AND (sqlc.narg(types)::text[] IS NULL OR d.repository_type = ANY(sqlc.narg(types)::text[]))
      AND (sqlc.narg(repository)::text IS NULL OR d.repository_name = sqlc.narg(repository)::text)
), hits AS (
    (SELECT v.*, 5 AS tier FROM v
     WHERE v.name_lc = @q::text OR v.normalized_name = @q::text
     ORDER BY v.name_lc, v.id LIMIT @k::int)
    UNION ALL
    (SELECT v.*, 4 FROM v
     WHERE v.name_lc LIKE @q_like::text || '%' AND v.name_lc <> @q::text AND v.normalized_name <> @q::text
     ORDER BY v.name_lc, v.id LIMIT @k::int)
    UNION ALL
    (SELECT v.*, 3 FROM v
     WHERE v.haystack LIKE '%' || @q_like::text || '%' AND v.name_lc ~ ('[^[:alnum:]]' || @q_regex::text)
       AND v.name_lc NOT LIKE @q_like::text || '%' AND v.normalized_name <> @q::text
     ORDER BY v.name_lc, v.id LIMIT @k::int)
    UNION ALL
    (SELECT v.*, 2 FROM v
     WHERE v.haystack LIKE '%' || @q_like::text || '%' AND v.name_lc LIKE '%' || @q_like::text || '%'
       AND v.name_lc !~ ('(^|[^[:alnum:]])' || @q_regex::text) AND v.normalized_name <> @q::text
     ORDER BY v.name_lc, v.id LIMIT @k::int)
    UNION ALL
    (SELECT v.*, 1 FROM v
     WHERE v.haystack LIKE '%' || @q_like::text || '%' AND v.name_lc NOT LIKE '%' || @q_like::text || '%'
       AND v.normalized_name <> @q::text
     ORDER BY v.name_lc, v.id LIMIT @k::int)
    UNION ALL
    (SELECT v.*, 0 FROM v
     WHERE @fuzzy::boolean AND @q::text <% v.name_lc AND v.haystack NOT LIKE '%' || @q_like::text || '%' AND v.normalized_name <> @q::text
     ORDER BY word_similarity(@q::text, v.name_lc) DESC, v.name_lc, v.id LIMIT @k::int)
)
SELECT h.id, h.kind, h.repository_id, h.repository_name, h.repository_type, h.visibility,
       h.owner_id, h.owner, h.description, h.name, h.normalized_name, h.version, h.path,
       h.uploaded_by, h.updated_at, h.tier::int AS tier
FROM hits h
LIMIT @lim OFFSET @off;

-- name: CountSearchDocuments :one
-- CountSearchDocuments counts what SearchDocuments pages through, up to cap
-- (a popular term's exact count would cost more than its page).
WITH v AS NOT MATERIALIZED (
    SELECT d.* FROM search_documents d
    WHERE (@all_repos::boolean
           OR (@public_repos::boolean AND d.visibility = 'public')
           OR d.owner_id = sqlc.narg(user_id)
           -- ARRAY(...) is computed once per query, never per row.
           OR d.repository_id = ANY(ARRAY(SELECT p.repository_id FROM repository_permissions p
                                          WHERE p.user_id = sqlc.narg(user_id) OR p.service_account_id = sqlc.narg(service_account_id))))
      AND (sqlc.narg(names)::text[] IS NULL OR d.repository_name = ANY(sqlc.narg(names)::text[]))
      AND (sqlc.narg(kinds)::text[] IS NULL OR d.kind = ANY(sqlc.narg(kinds)::text[]))
      AND (sqlc.narg(types)::text[] IS NULL OR d.repository_type = ANY(sqlc.narg(types)::text[]))
      AND (sqlc.narg(repository)::text IS NULL OR d.repository_name = sqlc.narg(repository)::text)
)
SELECT count(*) FROM (
    SELECT 1 FROM v
    WHERE v.haystack LIKE '%' || @q_like::text || '%' OR (@fuzzy::boolean AND @q::text <% v.name_lc) OR v.normalized_name = @q::text
    LIMIT @cap::int
) s;

-- name: SearchDocumentsByPrefix :many
-- SearchDocumentsByPrefix serves queries too short for trigrams (and the
-- empty query): exact names, then names starting with q_like, under the
-- same predicate, order and early stop as SearchDocuments.
WITH v AS NOT MATERIALIZED (
    SELECT d.* FROM search_documents d
    WHERE (@all_repos::boolean
           OR (@public_repos::boolean AND d.visibility = 'public')
           OR d.owner_id = sqlc.narg(user_id)
           -- ARRAY(...) is computed once per query, never per row.
           OR d.repository_id = ANY(ARRAY(SELECT p.repository_id FROM repository_permissions p
                                          WHERE p.user_id = sqlc.narg(user_id) OR p.service_account_id = sqlc.narg(service_account_id))))
      AND (sqlc.narg(names)::text[] IS NULL OR d.repository_name = ANY(sqlc.narg(names)::text[]))
      AND (sqlc.narg(kinds)::text[] IS NULL OR d.kind = ANY(sqlc.narg(kinds)::text[]))
      AND (sqlc.narg(types)::text[] IS NULL OR d.repository_type = ANY(sqlc.narg(types)::text[]))
      AND (sqlc.narg(repository)::text IS NULL OR d.repository_name = sqlc.narg(repository)::text)
), hits AS (
    (SELECT v.*, 5 AS tier FROM v
     WHERE @q::text <> '' AND (v.name_lc = @q::text OR v.normalized_name = @q::text)
     ORDER BY v.name_lc, v.id LIMIT @k::int)
    UNION ALL
    (SELECT v.*, 4 FROM v
     WHERE v.name_lc LIKE @q_like::text || '%' AND (@q::text = '' OR (v.name_lc <> @q::text AND v.normalized_name <> @q::text))
     ORDER BY v.name_lc, v.id LIMIT @k::int)
)
SELECT h.id, h.kind, h.repository_id, h.repository_name, h.repository_type, h.visibility,
       h.owner_id, h.owner, h.description, h.name, h.normalized_name, h.version, h.path,
       h.uploaded_by, h.updated_at, h.tier::int AS tier
FROM hits h
LIMIT @lim OFFSET @off;

-- name: CountSearchDocumentsByPrefix :one
-- CountSearchDocumentsByPrefix counts what SearchDocumentsByPrefix pages through, up to cap.
WITH v AS NOT MATERIALIZED (
    SELECT d.* FROM search_documents d
    WHERE (@all_repos::boolean
           OR (@public_repos::boolean AND d.visibility = 'public')
           OR d.owner_id = sqlc.narg(user_id)
           -- ARRAY(...) is computed once per query, never per row.
           OR d.repository_id = ANY(ARRAY(SELECT p.repository_id FROM repository_permissions p
                                          WHERE p.user_id = sqlc.narg(user_id) OR p.service_account_id = sqlc.narg(service_account_id))))
      AND (sqlc.narg(names)::text[] IS NULL OR d.repository_name = ANY(sqlc.narg(names)::text[]))
      AND (sqlc.narg(kinds)::text[] IS NULL OR d.kind = ANY(sqlc.narg(kinds)::text[]))
      AND (sqlc.narg(types)::text[] IS NULL OR d.repository_type = ANY(sqlc.narg(types)::text[]))
      AND (sqlc.narg(repository)::text IS NULL OR d.repository_name = sqlc.narg(repository)::text)
)
SELECT count(*) FROM (
    SELECT 1 FROM v
    WHERE v.name_lc LIKE @q_like::text || '%' OR v.normalized_name = @q::text
    LIMIT @cap::int
) s;

-- name: PreferSearchIndexes :exec
-- PreferSearchIndexes steers this transaction's planner to the indexes (it
-- prices word similarity like a cheap operator and would scan small tables
-- row by row at a hundred times the cost), keeps plans serial, so the tiers
-- of SearchDocuments run in order, and turns JIT off: the disabled scans'
-- penalty cost would otherwise trigger seconds of compilation.
SELECT set_config('enable_seqscan', 'off', true), set_config('max_parallel_workers_per_gather', '0', true),
       set_config('jit', 'off', true);
