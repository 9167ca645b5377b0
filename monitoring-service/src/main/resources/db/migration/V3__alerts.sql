-- Alert rules -> webhooks (docs/monitoring-service.md, "Alerts"). Rules live in configuration (monitoring.alerts.*);
-- here are what they fired and what became of it. Webhook URLs are secrets and are never stored: a delivery names its
-- rule, and the URL is read from the rule's configuration when it is sent.

-- One webhook POST to make. Written in the transaction of its cause (the new issue or regression, the spike check, the
-- service's transition), so a crash loses none; worked off by the dispatcher (FOR UPDATE SKIP LOCKED, replicas share).
CREATE TABLE alert_deliveries (
    id              bigserial   PRIMARY KEY,
    rule            text        NOT NULL,
    trigger         text        NOT NULL CHECK (trigger IN ('new-issue', 'regression', 'spike', 'service-down')),
    -- What it is about: an issue (project and issue id) or a fleet service. No foreign keys: the record outlives them.
    project_id      bigint,
    issue_id        bigint,
    service         text,
    -- The alert's facts (title, level, environment, release, count, ...): the webhook's JSON is built from them.
    facts           jsonb       NOT NULL,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    -- While an attempt is in flight this is its lease: another replica takes the row over only once it has passed.
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_attempt_at timestamptz,
    -- The receiver's last HTTP status, and what went wrong (never the URL).
    last_status     integer,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX alert_deliveries_recent ON alert_deliveries (created_at DESC, id DESC);

-- When a rule last fired for a subject ('issue:<id>', 'service:<name>'): at most one alert per rule's throttle window,
-- across restarts and replicas (the row is claimed with one upsert).
CREATE TABLE alert_throttles (
    rule     text        NOT NULL,
    subject  text        NOT NULL,
    fired_at timestamptz NOT NULL,
    PRIMARY KEY (rule, subject)
);
