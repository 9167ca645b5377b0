package dev.groundwork.monitoring.service;

import dev.groundwork.monitoring.config.MonitoringConfig;
import dev.groundwork.monitoring.repository.ProjectRepository.ProjectRow;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each project's error events per minute, counted in Redis so that every replica shares one budget (a fixed window:
 * {@code monitoring:quota:<project>:<minute>}, gone two minutes later). Redis down: events are accepted (an error
 * tracker that drops errors during an outage is worse than one over its quota), with a warning at most once a minute.
 */
@ApplicationScoped
public class Quotas {

    private static final String PREFIX = "monitoring:quota:";

    @Inject
    RedisDataSource redis;
    @Inject
    MonitoringConfig config;

    private final AtomicLong lastWarning = new AtomicLong();

    /** Counts {@code events} against the project's minute: empty when allowed, else the seconds until the next minute. */
    public OptionalLong take(ProjectRow project, int events) {
        int limit = project.eventsPerMinute() != null ? project.eventsPerMinute() : config.ingest().eventsPerMinute();
        long now = Instant.now().getEpochSecond();
        String key = PREFIX + project.id() + ":" + now / 60;
        long used;
        try {
            Response count = redis.execute("INCRBY", key, Integer.toString(events));
            used = count.toLong();
            if (used == events) {
                redis.execute("EXPIRE", key, "120");
            }
        } catch (RuntimeException e) {
            long last = lastWarning.get();
            if (now - last >= 60 && lastWarning.compareAndSet(last, now)) {
                Log.warnf("Event quotas are not enforced while Redis is unreachable: %s", e.getMessage());
            }
            return OptionalLong.empty();
        }
        return used - events >= limit ? OptionalLong.of(60 - now % 60) : OptionalLong.empty();
    }
}
