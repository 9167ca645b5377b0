-- Namespaces of the Upstash-compatible API, their policies and their tokens (SHA-256 hashes only).
CREATE TABLE namespaces (
    name                text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    default_ttl_seconds bigint NOT NULL CHECK (default_ttl_seconds > 0),
    max_ttl_seconds     bigint NOT NULL CHECK (max_ttl_seconds >= default_ttl_seconds),
    max_value_bytes     bigint NOT NULL CHECK (max_value_bytes > 0),
    max_keys            bigint NOT NULL CHECK (max_keys > 0),
    commands            text   NOT NULL,
    requests_per_second integer NOT NULL CHECK (requests_per_second > 0),
    declared            boolean NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tokens (
    id          uuid PRIMARY KEY,
    namespace   text NOT NULL REFERENCES namespaces (name) ON DELETE CASCADE,
    token_hash  text NOT NULL UNIQUE,
    access      text NOT NULL CHECK (access IN ('read-write', 'read-only')),
    label       text,
    origin      text NOT NULL CHECK (origin IN ('config', 'admin')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

CREATE INDEX tokens_namespace ON tokens (namespace);
