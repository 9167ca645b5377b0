/**
 * Events between services, the same way in every service: a transactional outbox ({@link Outbox}) relayed to the
 * producer's Redis stream ({@link OutboxRelay}), and consumer groups whose handlers take effect once
 * ({@link StreamConsumer}, {@link ProcessedEvents}), with dead letters. This package is plain Java (JDBC, Vert.x
 * Redis client, Micrometer) so that it can be tested without a Quarkus application; {@code quarkus/} wires it into
 * a service. See docs/events.md.
 */
package dev.groundwork.events;
