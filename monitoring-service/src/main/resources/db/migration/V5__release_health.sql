-- Release health (docs/monitoring-service.md, "Release health"): the SDKs' `session` and `sessions` items counted per
-- project, release, environment and hour as they are processed, so that reading crash-free rates and adoption sums a
-- few rows per hour instead of replaying every session update.

-- One row per individual session (`session` item), for as long as an SDK may still update it (Sentry: 5 days): its
-- worst outcome so far, so that a repeated or reordered update counts once and a session moves between counters at
-- most once per outcome. release, environment and hour come from its first update (Sentry: attributes are immutable).
-- outcome: 0 healthy, 1 errored (errors > 0 or status errored/unhandled), 2 abnormal, 3 crashed.
CREATE TABLE session_states (
    project_id  bigint      NOT NULL REFERENCES projects ON DELETE CASCADE,
    sid         text        NOT NULL,
    release     text        NOT NULL,
    environment text        NOT NULL,
    hour        timestamptz NOT NULL,
    user_key    text,
    outcome     smallint    NOT NULL CHECK (outcome BETWEEN 0 AND 3),
    PRIMARY KEY (project_id, sid)
);
CREATE INDEX session_states_hour ON session_states (hour);

-- Sessions per release, environment ('' when the SDK sent none) and hour of their start; each session is in exactly
-- one of healthy (sessions - errored - abnormal - crashed), errored, abnormal, crashed.
CREATE TABLE release_health (
    project_id  bigint      NOT NULL REFERENCES projects ON DELETE CASCADE,
    release     text        NOT NULL,
    environment text        NOT NULL,
    hour        timestamptz NOT NULL,
    sessions    bigint      NOT NULL DEFAULT 0,
    errored     bigint      NOT NULL DEFAULT 0,
    abnormal    bigint      NOT NULL DEFAULT 0,
    crashed     bigint      NOT NULL DEFAULT 0,
    first_seen  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    PRIMARY KEY (project_id, release, environment, hour)
);

-- The distinct users (the session's `did`, hashed) per release, environment and hour, and whether one of their
-- sessions crashed: crash-free users and adoption count distinct keys over the period.
CREATE TABLE release_health_users (
    project_id  bigint      NOT NULL REFERENCES projects ON DELETE CASCADE,
    release     text        NOT NULL,
    environment text        NOT NULL,
    hour        timestamptz NOT NULL,
    user_key    text        NOT NULL,
    crashed     boolean     NOT NULL,
    PRIMARY KEY (project_id, release, environment, hour, user_key)
);
