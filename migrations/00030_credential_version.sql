-- +goose Up
-- credential_version counts password changes. Whatever was obtained with a
-- password (a registry token, a remembered Basic verification) carries the
-- version it was checked against and stops working once it moves on, on
-- every node, through the query that loads the account anyway.
ALTER TABLE users ADD COLUMN credential_version bigint NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE users DROP COLUMN credential_version;
