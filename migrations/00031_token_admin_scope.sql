-- +goose Up
-- Tokens gain an 'admin' scope (repository settings, grants, visibility,
-- deletion; account and Administration work). Tokens that could already do
-- all of that (write, no repository limit) keep it; a token limited to some
-- repositories never could administer them legitimately and gets nothing.
UPDATE tokens SET scopes = array_append(scopes, 'admin')
WHERE 'write' = ANY(scopes) AND NOT 'admin' = ANY(scopes) AND repositories = '{}';

-- +goose Down
UPDATE tokens SET scopes = array_remove(scopes, 'admin');
