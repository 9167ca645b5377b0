-- Tables of the events library (libs/events), created in the service's own schema (Flyway's default schema).
-- A service adds the location: quarkus.flyway.locations=db/migration,db/events. Versions 1.x belong to this
-- library; a service's own migrations start at V2.

-- Events written in the same transaction as the change they describe; the relay moves them to events:<producer>.
CREATE TABLE event_outbox (
    id           bigserial   PRIMARY KEY,
    event_id     uuid        NOT NULL,
    type         text        NOT NULL,
    subject      text        NOT NULL,
    envelope     text        NOT NULL,           -- the CloudEvents JSON exactly as it goes on the stream
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    published_at timestamptz
);
CREATE INDEX event_outbox_unpublished ON event_outbox (id) WHERE published_at IS NULL;
CREATE INDEX event_outbox_published ON event_outbox (published_at) WHERE published_at IS NOT NULL;
COMMENT ON TABLE event_outbox IS 'Transactional outbox: rows wait here until relayed to the Redis stream events:<producer>';

-- Events this service's consumer group has applied, recorded in the transaction of the effect.
CREATE TABLE event_processed (
    consumer     text        NOT NULL,
    source       text        NOT NULL,
    event_id     text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, source, event_id)
);
CREATE INDEX event_processed_age ON event_processed (processed_at);
COMMENT ON TABLE event_processed IS 'Idempotent consumer: ids of events whose effect is committed';
