package dev.groundwork.monitoring.repository;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The release health API's queries: sums of the hourly counters and distinct users of a project's releases. */
@ApplicationScoped
public class ReleaseHealthReads {

    /**
     * A release in an environment ('' for none) with sessions in the period: first and last seen over all that is kept,
     * the counters over the period.
     */
    public record ReleaseRow(String release, String environment, Instant firstSeen, Instant lastSeen, long sessions, long errored,
                             long abnormal, long crashed) {
    }

    public record ReleaseEnvironment(String release, String environment) {
    }

    public record Users(long total, long crashed) {
    }

    @Inject
    AgroalDataSource dataSource;

    /** The releases with sessions since {@code since}, last seen first; {@code environment} null for all of them. */
    public List<ReleaseRow> releases(long projectId, Instant since, String environment) {
        Timestamp from = Timestamp.from(since);
        String sql = "SELECT release, environment, min(first_seen), max(last_seen), "
                + "coalesce(sum(sessions) FILTER (WHERE hour >= ?), 0), coalesce(sum(errored) FILTER (WHERE hour >= ?), 0), "
                + "coalesce(sum(abnormal) FILTER (WHERE hour >= ?), 0), coalesce(sum(crashed) FILTER (WHERE hour >= ?), 0) "
                + "FROM monitoring.release_health WHERE project_id = ?" + (environment != null ? " AND environment = ?" : "")
                + " GROUP BY release, environment HAVING coalesce(sum(sessions) FILTER (WHERE hour >= ?), 0) > 0 "
                + "ORDER BY max(last_seen) DESC, release, environment";
        Object[] parameters = environment != null
                ? new Object[] {from, from, from, from, projectId, environment, from}
                : new Object[] {from, from, from, from, projectId, from};
        return Jdbc.query(dataSource, sql, row -> new ReleaseRow(row.getString(1), row.getString(2), row.getTimestamp(3).toInstant(),
                row.getTimestamp(4).toInstant(), row.getLong(5), row.getLong(6), row.getLong(7), row.getLong(8)), parameters);
    }

    /** Distinct users since {@code since} per release and environment, and how many of them had a session crash. */
    public Map<ReleaseEnvironment, Users> users(long projectId, Instant since, String environment) {
        String sql = "SELECT release, environment, count(*), count(*) FILTER (WHERE crashed) FROM (SELECT release, environment, user_key, "
                + "bool_or(crashed) AS crashed FROM monitoring.release_health_users WHERE project_id = ? AND hour >= ?"
                + (environment != null ? " AND environment = ?" : "") + " GROUP BY release, environment, user_key) AS u GROUP BY release, environment";
        Map<ReleaseEnvironment, Users> users = new HashMap<>();
        Jdbc.query(dataSource, sql, row -> users.put(new ReleaseEnvironment(row.getString(1), row.getString(2)),
                new Users(row.getLong(3), row.getLong(4))), parameters(projectId, since, environment));
        return users;
    }

    /** Distinct users since {@code since} per environment, over all releases: adoption's whole. */
    public Map<String, Long> environmentUsers(long projectId, Instant since, String environment) {
        String sql = "SELECT environment, count(DISTINCT user_key) FROM monitoring.release_health_users WHERE project_id = ? AND hour >= ?"
                + (environment != null ? " AND environment = ?" : "") + " GROUP BY environment";
        Map<String, Long> users = new HashMap<>();
        Jdbc.query(dataSource, sql, row -> users.put(row.getString(1), row.getLong(2)), parameters(projectId, since, environment));
        return users;
    }

    private static Object[] parameters(long projectId, Instant since, String environment) {
        return environment != null
                ? new Object[] {projectId, Timestamp.from(since), environment}
                : new Object[] {projectId, Timestamp.from(since)};
    }
}
