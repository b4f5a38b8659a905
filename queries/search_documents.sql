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
-- SearchDocuments ranks the documents matching q (lowercased; q_like is q
-- with LIKE wildcards escaped, q_regex with regex metacharacters escaped)
-- among those the visibility predicate admits: exact, prefix, word, name
-- substring, other-field substring, then fuzzy (word similarity) on names.
SELECT d.id, d.kind, d.repository_id, d.repository_name, d.repository_type, d.visibility,
       d.owner_id, d.owner, d.description, d.name, d.normalized_name, d.version, d.path,
       d.uploaded_by, d.updated_at,
       (CASE WHEN d.name_lc = @q::text OR d.normalized_name = @q::text THEN 5
             WHEN d.name_lc LIKE @q_like::text || '%' THEN 4
             WHEN d.name_lc ~ ('(^|[^[:alnum:]])' || @q_regex::text) THEN 3
             WHEN d.name_lc LIKE '%' || @q_like::text || '%' THEN 2
             WHEN d.haystack LIKE '%' || @q_like::text || '%' THEN 1
             ELSE 0 END)::int AS tier,
       similarity(d.name_lc, @q::text)::real AS sim,
       count(*) OVER () AS total
FROM search_documents d
WHERE (d.haystack LIKE '%' || @q_like::text || '%' OR @q::text <% d.name_lc)
  AND (@all_repos::boolean
       OR (@public_repos::boolean AND d.visibility = 'public')
       OR d.owner_id = sqlc.narg(user_id)
       OR d.repository_id IN (SELECT p.repository_id FROM repository_permissions p
                              WHERE p.user_id = sqlc.narg(user_id) OR p.service_account_id = sqlc.narg(service_account_id)))
  AND (sqlc.narg(names)::text[] IS NULL OR d.repository_name = ANY(sqlc.narg(names)::text[]))
  AND (sqlc.narg(kinds)::text[] IS NULL OR d.kind = ANY(sqlc.narg(kinds)::text[]))
  AND (sqlc.narg(types)::text[] IS NULL OR d.repository_type = ANY(sqlc.narg(types)::text[]))
  AND (sqlc.narg(repository)::text IS NULL OR d.repository_name = sqlc.narg(repository)::text)
ORDER BY tier DESC, sim DESC, d.name_lc, d.id
LIMIT @lim OFFSET @off;

-- name: SearchDocumentsByPrefix :many
-- SearchDocumentsByPrefix serves queries too short for trigrams (and the
-- empty query): names starting with q_like, exact matches first, under the
-- same visibility predicate and filters as SearchDocuments.
SELECT d.id, d.kind, d.repository_id, d.repository_name, d.repository_type, d.visibility,
       d.owner_id, d.owner, d.description, d.name, d.normalized_name, d.version, d.path,
       d.uploaded_by, d.updated_at,
       (CASE WHEN d.name_lc = @q::text OR d.normalized_name = @q::text THEN 5 ELSE 4 END)::int AS tier,
       count(*) OVER () AS total
FROM search_documents d
WHERE d.name_lc LIKE @q_like::text || '%'
  AND (@all_repos::boolean
       OR (@public_repos::boolean AND d.visibility = 'public')
       OR d.owner_id = sqlc.narg(user_id)
       OR d.repository_id IN (SELECT p.repository_id FROM repository_permissions p
                              WHERE p.user_id = sqlc.narg(user_id) OR p.service_account_id = sqlc.narg(service_account_id)))
  AND (sqlc.narg(names)::text[] IS NULL OR d.repository_name = ANY(sqlc.narg(names)::text[]))
  AND (sqlc.narg(kinds)::text[] IS NULL OR d.kind = ANY(sqlc.narg(kinds)::text[]))
  AND (sqlc.narg(types)::text[] IS NULL OR d.repository_type = ANY(sqlc.narg(types)::text[]))
  AND (sqlc.narg(repository)::text IS NULL OR d.repository_name = sqlc.narg(repository)::text)
ORDER BY tier DESC, d.name_lc, d.id
LIMIT @lim OFFSET @off;

-- name: PreferSearchIndexes :exec
-- PreferSearchIndexes steers this transaction's planner to the trigram
-- indexes: it prices word similarity like a cheap operator and would scan
-- small tables row by row at a hundred times the cost.
SELECT set_config('enable_seqscan', 'off', true);
