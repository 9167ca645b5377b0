/**
 * The events library inside a Quarkus service: {@link dev.groundwork.events.quarkus.Events} to publish in the
 * caller's transaction, {@link dev.groundwork.events.quarkus.EventSubscription} beans to consume, the relay and
 * consumer threads ({@link dev.groundwork.events.quarkus.EventsRuntime}), and the dead-letter admin endpoint.
 */
package dev.groundwork.events.quarkus;
