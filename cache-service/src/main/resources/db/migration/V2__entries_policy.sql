-- The entries API's part of a namespace's policy (docs/cache-service.md, "Entries").
ALTER TABLE namespaces
    ADD COLUMN stale_seconds     bigint NOT NULL DEFAULT 0 CHECK (stale_seconds >= 0),
    ADD COLUMN lease_ttl_millis  bigint NOT NULL DEFAULT 5000 CHECK (lease_ttl_millis BETWEEN 1 AND 60000),
    ADD COLUMN lease_wait_millis bigint NOT NULL DEFAULT 500 CHECK (lease_wait_millis BETWEEN 0 AND 10000),
    ADD COLUMN user_access       text   NOT NULL DEFAULT 'none' CHECK (user_access IN ('none', 'read', 'read-write'));
