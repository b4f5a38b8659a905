-- name: GetGitRef :one
-- GetGitRef returns one ref.
SELECT name, target, symbolic FROM git_refs
WHERE git_repository_id = @git_repository_id AND name = @name;

-- name: ListGitRefs :many
-- ListGitRefs returns every ref in name order.
SELECT name, target, symbolic FROM git_refs
WHERE git_repository_id = @git_repository_id ORDER BY name;

-- name: UpsertGitRef :exec
-- UpsertGitRef sets a ref whatever its current value.
INSERT INTO git_refs (git_repository_id, name, target, symbolic)
VALUES (@git_repository_id, @name, sqlc.narg('target'), sqlc.narg('symbolic'))
ON CONFLICT (git_repository_id, name) DO UPDATE
SET target = EXCLUDED.target, symbolic = EXCLUDED.symbolic, updated_at = now();

-- name: CreateGitRef :execrows
-- CreateGitRef creates a ref that must not exist yet; 0 rows: it does.
INSERT INTO git_refs (git_repository_id, name, target, symbolic)
VALUES (@git_repository_id, @name, sqlc.narg('target'), sqlc.narg('symbolic'))
ON CONFLICT (git_repository_id, name) DO NOTHING;

-- name: SwapGitRef :execrows
-- SwapGitRef moves a hash ref from old to new; 0 rows: it no longer points
-- at old (compare-and-swap).
UPDATE git_refs SET target = @new_target, symbolic = NULL, updated_at = now()
WHERE git_repository_id = @git_repository_id AND name = @name AND target = @old_target;

-- name: DeleteGitRef :execrows
-- DeleteGitRef removes a ref whatever its value.
DELETE FROM git_refs WHERE git_repository_id = @git_repository_id AND name = @name;

-- name: DeleteGitRefIf :execrows
-- DeleteGitRefIf removes a hash ref only while it points at old.
DELETE FROM git_refs
WHERE git_repository_id = @git_repository_id AND name = @name AND target = @old_target;
