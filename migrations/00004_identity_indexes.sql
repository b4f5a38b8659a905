-- +goose Up
-- Pruning old login failures scans by time alone.
CREATE INDEX login_failures_at_idx ON login_failures (at);
-- Listing a repository's grants and resolving a principal's grants.
CREATE INDEX repository_permissions_user_id_idx ON repository_permissions (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX repository_permissions_service_account_id_idx ON repository_permissions (service_account_id) WHERE service_account_id IS NOT NULL;

-- +goose Down
DROP INDEX repository_permissions_service_account_id_idx;
DROP INDEX repository_permissions_user_id_idx;
DROP INDEX login_failures_at_idx;
