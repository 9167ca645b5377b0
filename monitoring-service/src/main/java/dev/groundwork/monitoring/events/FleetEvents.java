package dev.groundwork.monitoring.events;

import dev.groundwork.events.quarkus.Events;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;

/**
 * Publishes fleet health's changes (docs/events.md) through the outbox, in the poller's transaction. The data names the
 * service and says why (an HTTP status, the failing readiness checks' names, or a connection error), never its URL.
 */
@ApplicationScoped
public class FleetEvents {

    public static final String SERVICE_HEALTH_CHANGED = "dev.groundwork.monitoring.service.health.changed.v1";

    /** {@code status} and {@code previous}: up, down or unknown; {@code at}: since when the service has that status. */
    public record HealthChange(String service, String status, String previous, Instant at, String detail) {
    }

    @Inject
    Events events;

    public void changed(HealthChange change) {
        events.publish(SERVICE_HEALTH_CHANGED, change.service(), change);
    }
}
