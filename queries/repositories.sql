-- name: GetRepositoryByName :one
-- GetRepositoryByName finds a repository by its unique name.
SELECT * FROM repositories WHERE name = @name;

-- name: CreateRepository :one
-- CreateRepository adds a repository owned by its creator.
INSERT INTO repositories (name, type, description, visibility, owner_id)
VALUES (@name, @type, @description, @visibility, sqlc.narg(owner_id))
RETURNING *;
