-- name: InsertSearchOutbox :exec
-- InsertSearchOutbox records that something search shows changed; called in
-- the writer's transaction.
INSERT INTO search_outbox (kind, repository_id, package_id, path)
VALUES (@kind, @repository_id, sqlc.narg(package_id), sqlc.narg(path));

-- name: TryLockSearchIndexer :one
-- TryLockSearchIndexer takes the indexer's transaction-scoped advisory lock
-- if no other node holds it.
SELECT pg_try_advisory_xact_lock(@key::bigint);

-- name: ClaimSearchOutbox :many
-- ClaimSearchOutbox locks the oldest outbox rows for this transaction.
SELECT * FROM search_outbox ORDER BY id LIMIT @lim FOR UPDATE SKIP LOCKED;

-- name: DeleteSearchOutbox :exec
-- DeleteSearchOutbox removes rows the index accepted.
DELETE FROM search_outbox WHERE id = ANY(@ids::bigint[]);

-- name: CountSearchOutbox :one
-- CountSearchOutbox is the indexer's backlog.
SELECT count(*) FROM search_outbox;

-- name: LockSearchIndexer :exec
-- LockSearchIndexer waits for the indexer's advisory lock on this session
-- (a full reindex holds it so no batch interleaves).
SELECT pg_advisory_lock(@key::bigint);

-- name: UnlockSearchIndexer :exec
-- UnlockSearchIndexer releases LockSearchIndexer.
SELECT pg_advisory_unlock(@key::bigint);

-- name: GetSearchClock :one
-- GetSearchClock is the database's current time, the clock indexed_at uses.
SELECT now()::timestamptz;

-- name: InsertSearchOutboxFileTree :exec
-- InsertSearchOutboxFileTree records a change of every file at or below a
-- path (a folder deleted or moved), in one statement however many there are.
INSERT INTO search_outbox (kind, repository_id, path)
SELECT 'file', f.repository_id, f.path
FROM repository_files f
WHERE f.repository_id = @repository_id AND NOT f.is_folder
  AND (f.path = @path::text OR (f.path > @path::text || '/' AND f.path < @path::text || '0'));

-- name: InsertSearchOutboxOwnedRepositories :exec
-- InsertSearchOutboxOwnedRepositories records a change of every repository
-- a user owns (the user is deleted: hits show and match the owner's name).
INSERT INTO search_outbox (kind, repository_id)
SELECT 'repository', r.id FROM repositories r WHERE r.owner_id = @owner_id;
