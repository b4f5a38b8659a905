-- name: CreateGitRepository :one
-- CreateGitRepository adds the git repository of a module path.
INSERT INTO git_repositories (repository_id, module_path) VALUES (@repository_id, @module_path)
RETURNING *;

-- name: GetGitRepository :one
-- GetGitRepository returns a git repository by id.
SELECT * FROM git_repositories WHERE id = @id;

-- name: GetGitRepositoryByModulePath :one
-- GetGitRepositoryByModulePath finds the git repository of a module path.
SELECT * FROM git_repositories WHERE repository_id = @repository_id AND module_path = @module_path;
