package dev.groundwork.monitoring.service;

import dev.groundwork.monitoring.config.MonitoringConfig;
import dev.groundwork.monitoring.repository.Retention;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;

/**
 * Retention ({@code monitoring.retention}, {@code monitoring.processing.max-events-per-project}): events older than the
 * retention go, so do a project's oldest events beyond its count, issues not seen within the retention, and the
 * other items' rows. Replicas may run it at once: deleting twice deletes nothing more.
 */
@ApplicationScoped
public class RetentionJob {

    @Inject
    Retention retention;
    @Inject
    MonitoringConfig config;

    @Scheduled(every = "${monitoring.processing.retention-every}", delayed = "1M", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            run();
        } catch (RuntimeException e) {
            Log.warnf("Retention did not finish, it runs again in %s: %s", config.processing().retentionEvery(), e.getMessage());
        }
    }

    /** Applies retention now; returns the rows deleted. */
    public long run() {
        Instant cutoff = Instant.now().minus(config.retention());
        long deleted = retention.deleteEventsBefore(cutoff);
        for (long projectId : retention.projectIds()) {
            deleted += retention.trimProject(projectId, config.processing().maxEventsPerProject());
        }
        deleted += retention.deleteRestBefore(cutoff);
        // A session's state only serves to recognise its later updates; it never outlives the counters it moves.
        Instant sessionsCutoff = Instant.now().minus(SessionItems.STATE_KEPT);
        deleted += retention.deleteSessionStatesBefore(sessionsCutoff.isAfter(cutoff) ? sessionsCutoff : cutoff);
        if (deleted > 0) {
            Log.infof("Retention deleted %d rows older than %s or over a project's %d events", deleted, cutoff,
                    config.processing().maxEventsPerProject());
        }
        return deleted;
    }
}
