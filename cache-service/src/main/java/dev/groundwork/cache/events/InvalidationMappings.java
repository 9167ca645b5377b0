package dev.groundwork.cache.events;

import dev.groundwork.cache.config.CacheConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;

/** Refuses to start with a mapping that would never apply: an event type no subscription reads, or no tags. */
@ApplicationScoped
public class InvalidationMappings {

    /** The producers whose streams cache-service reads (a subscription class each). */
    static final List<String> PRODUCERS = List.of("identity", "billing");

    @Inject
    CacheConfig config;

    void check(@Observes StartupEvent start) {
        for (Map.Entry<String, CacheConfig.Invalidation> mapping : config.invalidations().entrySet()) {
            String type = mapping.getValue().eventType();
            if (PRODUCERS.stream().noneMatch(producer -> type.startsWith("dev.groundwork." + producer + "."))) {
                throw new IllegalStateException("cache.invalidations.\"" + mapping.getKey() + "\".event-type: " + type
                        + " is not an event of " + PRODUCERS + " (docs/events.md)");
            }
            if (mapping.getValue().tags().isEmpty()) {
                throw new IllegalStateException("cache.invalidations.\"" + mapping.getKey() + "\".tags: name at least one tag");
            }
        }
    }
}
