package dev.groundwork.monitoring.service;

import dev.groundwork.monitoring.config.MonitoringConfig;
import dev.groundwork.monitoring.repository.ReleaseHealthReads;
import dev.groundwork.monitoring.repository.ReleaseHealthReads.ReleaseEnvironment;
import dev.groundwork.monitoring.repository.ReleaseHealthReads.ReleaseRow;
import dev.groundwork.monitoring.repository.ReleaseHealthReads.Users;
import dev.groundwork.monitoring.repository.ProjectRepository.ProjectRow;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Release health as Sentry's {@code healthData} shows it, per release and environment over a period: sessions and how
 * they ended, crash-free sessions and users (100 × (1 − crashed / total)), and adoption, the release's share of the
 * users (and sessions) of its project and environment. Percentages are null without data to compute them from.
 */
@ApplicationScoped
public class ReleaseHealth {

    /** Sentry's default period of a release list's summary. */
    public static final String DEFAULT_PERIOD = "14d";

    public record ReleaseHealthView(String version, String environment, Instant firstSeen, Instant lastSeen, long totalSessions,
                                    long sessionsCrashed, long sessionsErrored, long sessionsAbnormal, Double crashFreeSessions,
                                    long totalUsers, long usersCrashed, Double crashFreeUsers, Double adoption, Double sessionsAdoption) {
    }

    @Inject
    ReleaseHealthReads reads;
    @Inject
    ProjectAccess access;
    @Inject
    MonitoringConfig config;

    /** The project's releases with sessions in the period, last seen first; {@code environment} blank for all. */
    public List<ReleaseHealthView> list(String organization, String slug, String statsPeriod, String environment, SecurityIdentity caller) {
        ProjectRow project = access.readable(organization, slug, caller);
        Duration period = Periods.parse(statsPeriod == null || statsPeriod.isBlank() ? DEFAULT_PERIOD : statsPeriod, config.retention());
        Instant since = Instant.now().minus(period).truncatedTo(ChronoUnit.HOURS);
        String only = environment == null || environment.isBlank() ? null : environment;
        List<ReleaseRow> rows = reads.releases(project.id(), since, only);
        Map<ReleaseEnvironment, Users> users = reads.users(project.id(), since, only);
        Map<String, Long> environmentUsers = reads.environmentUsers(project.id(), since, only);
        Map<String, Long> environmentSessions = new HashMap<>();
        rows.forEach(row -> environmentSessions.merge(row.environment(), row.sessions(), Long::sum));
        return rows.stream().map(row -> {
            Users releaseUsers = users.getOrDefault(new ReleaseEnvironment(row.release(), row.environment()), new Users(0, 0));
            return new ReleaseHealthView(row.release(), row.environment().isEmpty() ? null : row.environment(), row.firstSeen(),
                    row.lastSeen(), row.sessions(), row.crashed(), row.errored(), row.abnormal(), crashFree(row.crashed(), row.sessions()),
                    releaseUsers.total(), releaseUsers.crashed(), crashFree(releaseUsers.crashed(), releaseUsers.total()),
                    share(releaseUsers.total(), environmentUsers.getOrDefault(row.environment(), 0L)),
                    share(row.sessions(), environmentSessions.getOrDefault(row.environment(), 0L)));
        }).toList();
    }

    static Double crashFree(long crashed, long total) {
        return total == 0 ? null : 100.0 * (1 - (double) crashed / total);
    }

    static Double share(long part, long whole) {
        return whole == 0 ? null : 100.0 * part / whole;
    }
}
