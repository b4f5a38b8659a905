-- +goose Up
CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL UNIQUE,
    full_name     text NOT NULL DEFAULT '',
    email         text NOT NULL DEFAULT '',
    -- NULL for accounts that authenticate elsewhere (LDAP).
    password_hash text,
    source        text NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'ldap')),
    is_admin      boolean NOT NULL DEFAULT false,
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE service_accounts (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    description text NOT NULL DEFAULT '',
    disabled    boolean NOT NULL DEFAULT false,
    created_by  bigint REFERENCES users(id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Personal and service-account tokens. Only a SHA-256 of the secret is
-- kept; the secret itself is shown once at creation.
CREATE TABLE tokens (
    id                 bigserial PRIMARY KEY,
    user_id            bigint REFERENCES users(id) ON DELETE CASCADE,
    service_account_id bigint REFERENCES service_accounts(id) ON DELETE CASCADE,
    name               text NOT NULL,
    prefix             text NOT NULL,
    secret_hash        bytea NOT NULL UNIQUE,
    -- 'read' and/or 'write'; write implies read.
    scopes             text[] NOT NULL DEFAULT '{read,write}',
    -- Empty = every repository the owner can reach.
    repositories       text[] NOT NULL DEFAULT '{}',
    expires_at         timestamptz,
    last_used_at       timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((user_id IS NULL) <> (service_account_id IS NULL))
);
CREATE INDEX tokens_user_id_idx ON tokens (user_id);
CREATE INDEX tokens_service_account_id_idx ON tokens (service_account_id);

-- UI sessions live here so any node accepts the cookie.
CREATE TABLE sessions (
    id_hash      bytea PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

-- Failed logins, shared by all nodes for rate limiting; old rows are pruned.
CREATE TABLE login_failures (
    id        bigserial PRIMARY KEY,
    username  text NOT NULL,
    client_ip text NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_username_idx ON login_failures (username, at);
CREATE INDEX login_failures_client_ip_idx ON login_failures (client_ip, at);

CREATE TABLE repositories (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    type        text NOT NULL CHECK (type IN ('docker', 'pypi', 'go', 'files')),
    description text NOT NULL DEFAULT '',
    visibility  text NOT NULL DEFAULT 'private' CHECK (visibility IN ('public', 'private')),
    -- Refuse overwriting stored content (files, tags).
    immutable   boolean NOT NULL DEFAULT false,
    owner_id    bigint REFERENCES users(id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE repository_permissions (
    repository_id      bigint NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    user_id            bigint REFERENCES users(id) ON DELETE CASCADE,
    service_account_id bigint REFERENCES service_accounts(id) ON DELETE CASCADE,
    level              text NOT NULL CHECK (level IN ('read', 'write', 'admin')),
    created_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((user_id IS NULL) <> (service_account_id IS NULL))
);
CREATE UNIQUE INDEX repository_permissions_user_idx ON repository_permissions (repository_id, user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX repository_permissions_service_idx ON repository_permissions (repository_id, service_account_id) WHERE service_account_id IS NOT NULL;

CREATE TABLE audit_events (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    actor_kind  text NOT NULL CHECK (actor_kind IN ('user', 'service', 'anonymous', 'system')),
    action      text NOT NULL,
    target      text NOT NULL DEFAULT '',
    success     boolean NOT NULL DEFAULT true,
    remote_addr text NOT NULL DEFAULT '',
    request_id  text NOT NULL DEFAULT '',
    details     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_at_idx ON audit_events (at DESC);
CREATE INDEX audit_events_actor_idx ON audit_events (actor, at DESC);
CREATE INDEX audit_events_action_idx ON audit_events (action, at DESC);

-- +goose Down
DROP TABLE audit_events;
DROP TABLE repository_permissions;
DROP TABLE repositories;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE tokens;
DROP TABLE service_accounts;
DROP TABLE users;
