-- Users, sessions and tokens of auth-service. Column names follow Supabase Auth's where they mean the same.

CREATE TABLE users (
    id                   uuid        PRIMARY KEY,
    aud                  text        NOT NULL DEFAULT 'authenticated',
    role                 text        NOT NULL DEFAULT 'authenticated',
    email                text        NOT NULL,
    encrypted_password   text        NOT NULL,   -- Argon2id PHC string, never logged
    email_confirmed_at   timestamptz,
    confirmation_sent_at timestamptz,
    recovery_sent_at     timestamptz,
    last_sign_in_at      timestamptz,
    raw_app_meta_data    jsonb       NOT NULL DEFAULT '{}',
    raw_user_meta_data   jsonb       NOT NULL DEFAULT '{}',
    banned_until         timestamptz,
    failed_sign_ins      int         NOT NULL DEFAULT 0,  -- consecutive, reset by a successful sign-in
    last_failed_sign_in  timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE sessions (
    id           uuid        PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users ON DELETE CASCADE,
    aal          text        NOT NULL DEFAULT 'aal1',
    amr_method   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    refreshed_at timestamptz NOT NULL DEFAULT now(),  -- idle timeout counts from here
    not_after    timestamptz NOT NULL,                -- absolute end of the session
    user_agent   text,
    ip           text
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Opaque refresh tokens, stored as SHA-256. A rotated token keeps its successor sealed with a key derived from
-- the rotated token itself, so only its holder can get the successor back inside the reuse grace window.
CREATE TABLE refresh_tokens (
    id             bigserial   PRIMARY KEY,
    token_hash     text        NOT NULL UNIQUE,
    session_id     uuid        NOT NULL REFERENCES sessions ON DELETE CASCADE,
    parent_hash    text,
    revoked        boolean     NOT NULL DEFAULT false,
    successor      bytea,
    created_at     timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- E-mailed one-time tokens (signup confirmation, recovery), stored as SHA-256.
CREATE TABLE one_time_tokens (
    token_hash text        PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users ON DELETE CASCADE,
    type       text        NOT NULL CHECK (type IN ('signup', 'recovery')),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, type);

CREATE TABLE audit_log (
    id         bigserial   PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    action     text        NOT NULL,
    actor_id   text,        -- a user id, a service client id, or null for anonymous requests
    user_id    uuid,
    ip         text,
    payload    jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_user ON audit_log (user_id, created_at);
