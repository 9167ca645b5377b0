-- Error tracking (docs/monitoring-service.md): projects and their DSN keys, the inbox of accepted envelopes, issues
-- and their events, and what the SDKs send beside errors.

-- Projects: ids 1-999 are declared in configuration (monitoring.projects.<slug>.id: the fleet's own project
-- `groundwork` is 1), ids from 1000 on are given to projects created through the API.
CREATE SEQUENCE project_ids START WITH 1000;

CREATE TABLE projects (
    id                bigint      PRIMARY KEY CHECK (id > 0),
    slug              text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9_-]{0,49}$'),
    name              text        NOT NULL,
    declared          boolean     NOT NULL DEFAULT false,
    -- Error events accepted per minute; null: monitoring.ingest.events-per-minute.
    events_per_minute integer     CHECK (events_per_minute > 0),
    created_at        timestamptz NOT NULL DEFAULT now()
);

-- DSN public keys. Sentry's keys are public by design (they ship in browser bundles); revoking one is how a leaked
-- key stops working. expires_at: null while active, now() when revoked, the end of the grace period when rotated.
CREATE TABLE project_keys (
    public_key  text        PRIMARY KEY CHECK (public_key ~ '^[0-9a-f]{32}$'),
    project_id  bigint      NOT NULL REFERENCES projects ON DELETE CASCADE,
    label       text        NOT NULL,
    declared    boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz
);
CREATE INDEX project_keys_project ON project_keys (project_id);

-- Envelopes accepted and not yet processed: the items kept, re-framed as an envelope. A row is written (and
-- committed) before the SDK gets its 200, and deleted in the transaction that stores what it holds.
CREATE TABLE inbox (
    id              bigserial   PRIMARY KEY,
    project_id      bigint      NOT NULL REFERENCES projects ON DELETE CASCADE,
    received_at     timestamptz NOT NULL DEFAULT now(),
    envelope        bytea       NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    -- Given up after monitoring.processing.max-attempts: kept for an operator (docs/runbooks.md).
    failed          boolean     NOT NULL DEFAULT false
);
CREATE INDEX inbox_due ON inbox (next_attempt_at, id) WHERE NOT failed;

-- Issues: events grouped by their fingerprint (service/grouping), one per (project, hash).
CREATE TABLE issues (
    id                       bigserial   PRIMARY KEY,
    project_id               bigint      NOT NULL REFERENCES projects ON DELETE CASCADE,
    grouping_hash            text        NOT NULL,
    grouping_version         text        NOT NULL,
    type                     text        NOT NULL CHECK (type IN ('error', 'default')),
    title                    text        NOT NULL,
    culprit                  text,
    metadata                 jsonb       NOT NULL DEFAULT '{}',
    level                    text        NOT NULL,
    platform                 text,
    status                   text        NOT NULL DEFAULT 'unresolved' CHECK (status IN ('unresolved', 'resolved', 'ignored')),
    -- Resolved in a release: only events of a release first seen after it reopen the issue.
    resolved_in_release      text,
    -- Resolved in the next release: events of the release current at resolution keep it resolved.
    resolved_in_next_release boolean     NOT NULL DEFAULT false,
    resolved_at              timestamptz,
    first_seen               timestamptz NOT NULL,
    last_seen                timestamptz NOT NULL,
    first_release            text,
    last_release             text,
    times_seen               bigint      NOT NULL DEFAULT 0,
    UNIQUE (project_id, grouping_hash)
);
CREATE INDEX issues_project_last_seen ON issues (project_id, last_seen DESC);

CREATE TABLE events (
    project_id   bigint      NOT NULL REFERENCES projects ON DELETE CASCADE,
    event_id     uuid        NOT NULL,
    issue_id     bigint      NOT NULL REFERENCES issues ON DELETE CASCADE,
    occurred_at  timestamptz NOT NULL,
    received_at  timestamptz NOT NULL,
    level        text        NOT NULL,
    release      text,
    environment  text,
    user_key     text,
    payload      json        NOT NULL,
    PRIMARY KEY (project_id, event_id)
);
CREATE INDEX events_issue ON events (issue_id, received_at DESC);
CREATE INDEX events_received ON events (received_at);

-- Events per issue, hour and environment ('' when the event had none): the counts, the stats and the filter.
CREATE TABLE issue_counts (
    issue_id    bigint      NOT NULL REFERENCES issues ON DELETE CASCADE,
    hour        timestamptz NOT NULL,
    environment text        NOT NULL,
    events      bigint      NOT NULL,
    PRIMARY KEY (issue_id, hour, environment)
);

-- Users affected: a key per user (id, else e-mail, else username, else IP address), hashed.
CREATE TABLE issue_users (
    issue_id bigint NOT NULL REFERENCES issues ON DELETE CASCADE,
    user_key text   NOT NULL,
    PRIMARY KEY (issue_id, user_key)
);

CREATE TABLE issue_tags (
    issue_id  bigint      NOT NULL REFERENCES issues ON DELETE CASCADE,
    key       text        NOT NULL,
    value     text        NOT NULL,
    events    bigint      NOT NULL,
    last_seen timestamptz NOT NULL,
    PRIMARY KEY (issue_id, key, value)
);

-- When each release was first seen: "a later release" for regressions.
CREATE TABLE releases (
    project_id bigint      NOT NULL REFERENCES projects ON DELETE CASCADE,
    version    text        NOT NULL,
    first_seen timestamptz NOT NULL,
    PRIMARY KEY (project_id, version)
);

CREATE TABLE attachments (
    project_id   bigint      NOT NULL REFERENCES projects ON DELETE CASCADE,
    event_id     uuid        NOT NULL,
    filename     text        NOT NULL,
    content_type text,
    kind         text        NOT NULL,
    size         integer     NOT NULL,
    data         bytea       NOT NULL,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (project_id, event_id, filename)
);

-- User feedback: the old `user_report` item and the newer `feedback` event.
CREATE TABLE user_reports (
    project_id  bigint      NOT NULL REFERENCES projects ON DELETE CASCADE,
    report_id   uuid        NOT NULL,
    event_id    uuid,
    name        text,
    email       text,
    comments    text        NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (project_id, report_id)
);

-- Session updates (`session`, `sessions` items) as received: release health is computed from them.
CREATE TABLE session_updates (
    id          bigserial   PRIMARY KEY,
    project_id  bigint      NOT NULL REFERENCES projects ON DELETE CASCADE,
    kind        text        NOT NULL CHECK (kind IN ('session', 'sessions')),
    release     text,
    environment text,
    payload     json        NOT NULL,
    received_at timestamptz NOT NULL
);
CREATE INDEX session_updates_received ON session_updates (project_id, received_at);

-- What happened to what the SDKs sent, per hour: transactions counted (not stored), the SDKs' own client reports of
-- what they dropped, and what we refused (rate limits).
CREATE TABLE outcomes (
    project_id bigint      NOT NULL REFERENCES projects ON DELETE CASCADE,
    hour       timestamptz NOT NULL,
    category   text        NOT NULL,
    outcome    text        NOT NULL,
    reason     text        NOT NULL DEFAULT '',
    quantity   bigint      NOT NULL,
    PRIMARY KEY (project_id, hour, category, outcome, reason)
);
