package dev.groundwork.events.quarkus;

import dev.groundwork.events.EventHandler;

import java.util.Set;

/**
 * A bean that consumes events: which stream, which types, and the handler. All subscriptions of a service share
 * its consumer group. In a service with a schema the handler runs in a JTA transaction together with the record
 * that the event was processed, so Panache writes in the handler commit with it.
 */
public interface EventSubscription extends EventHandler {

    /** The producer's stream, e.g. {@code events:identity}. */
    String stream();

    /** The event types wanted, e.g. {@code dev.groundwork.identity.user.registered.v1}; others are acked and skipped. */
    Set<String> types();
}
