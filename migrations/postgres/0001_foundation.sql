-- Foundation: settings, identity, tags, idempotency.
-- Timestamps are milliseconds since the Unix epoch (BIGINT on both databases).

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX accounts_by_created ON accounts (created_at, account_id);

CREATE TABLE principals (
    arn            TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    principal_type TEXT NOT NULL CHECK (principal_type IN ('root', 'user', 'role')),
    name           TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX principals_by_account ON principals (account_id, created_at, arn);

CREATE TABLE api_keys (
    key_id        TEXT PRIMARY KEY,
    principal_arn TEXT NOT NULL REFERENCES principals (arn) ON DELETE CASCADE,
    account_id    TEXT NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    secret_sha256 TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    revoked_at    BIGINT
);
CREATE INDEX api_keys_by_account ON api_keys (account_id, created_at, key_id);

CREATE TABLE tags (
    resource_id TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    tag_key     TEXT NOT NULL,
    tag_value   TEXT NOT NULL,
    PRIMARY KEY (resource_id, tag_key)
);
CREATE INDEX tags_by_key_value ON tags (account_id, tag_key, tag_value, resource_id);

CREATE TABLE idempotency_keys (
    scope           TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    operation       TEXT NOT NULL,
    request_sha256  TEXT NOT NULL,
    resource_id     TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (scope, idempotency_key)
);
CREATE INDEX idempotency_keys_by_created ON idempotency_keys (created_at);
