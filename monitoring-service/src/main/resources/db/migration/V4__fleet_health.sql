-- Fleet health (docs/monitoring-service.md, "Fleet health"): the readiness of every service named in
-- monitoring.fleet.services, polled by one replica at a time, its current state and every change of it.

-- The current state of each polled service. failures: consecutive failed probes, so that "down" takes
-- monitoring.fleet.failure-threshold of them whichever replica made them.
CREATE TABLE fleet_services (
    name            text        PRIMARY KEY,
    status          text        NOT NULL CHECK (status IN ('up', 'down', 'unknown')),
    since           timestamptz NOT NULL,
    last_checked_at timestamptz NOT NULL,
    detail          text,
    failures        integer     NOT NULL DEFAULT 0
);

-- Every change of a service's status: uptime is computed from them (time in "up" over time observed).
CREATE TABLE fleet_transitions (
    id          bigserial   PRIMARY KEY,
    service     text        NOT NULL,
    from_status text        NOT NULL CHECK (from_status IN ('up', 'down', 'unknown')),
    to_status   text        NOT NULL CHECK (to_status IN ('up', 'down', 'unknown')),
    at          timestamptz NOT NULL,
    detail      text
);
CREATE INDEX fleet_transitions_service_at ON fleet_transitions (service, at);
CREATE INDEX fleet_transitions_at ON fleet_transitions (at);
