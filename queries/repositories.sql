-- name: GetRepositoryByName :one
-- GetRepositoryByName finds a repository by its unique name.
SELECT * FROM repositories WHERE name = @name;
