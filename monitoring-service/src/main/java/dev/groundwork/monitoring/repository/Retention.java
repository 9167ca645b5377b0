package dev.groundwork.monitoring.repository;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Timestamp;
import java.time.Instant;

/** Deletes what retention no longer keeps, in short batches (each its own transaction) so that ingest never waits on it. */
@ApplicationScoped
public class Retention {

    /** Rows deleted per statement. */
    static final int BATCH = 5000;

    @Inject
    AgroalDataSource dataSource;

    /** Events received before {@code cutoff}; returns how many were deleted. */
    public long deleteEventsBefore(Instant cutoff) {
        return repeat("DELETE FROM monitoring.events WHERE ctid = ANY (ARRAY(SELECT ctid FROM monitoring.events WHERE received_at < ? LIMIT "
                + BATCH + "))", Timestamp.from(cutoff));
    }

    /** A project's oldest events beyond {@code keep}. */
    public long trimProject(long projectId, long keep) {
        long excess = single("SELECT greatest(count(*) - ?, 0) FROM monitoring.events WHERE project_id = ?", keep, projectId);
        if (excess == 0) {
            return 0;
        }
        Timestamp boundary = timestamp("SELECT received_at FROM monitoring.events WHERE project_id = ? ORDER BY received_at "
                + "OFFSET ? LIMIT 1", projectId, excess - 1);
        return repeat("DELETE FROM monitoring.events WHERE ctid = ANY (ARRAY(SELECT ctid FROM monitoring.events WHERE project_id = ? "
                + "AND received_at <= ? LIMIT " + BATCH + "))", projectId, boundary);
    }

    /** Issues not seen since {@code cutoff} (their counts, users and tags go with them), the other items' rows, fleet transitions. */
    public long deleteRestBefore(Instant cutoff) {
        Timestamp at = Timestamp.from(cutoff);
        long deleted = repeat("DELETE FROM monitoring.issues WHERE id = ANY (ARRAY(SELECT id FROM monitoring.issues WHERE last_seen < ? LIMIT "
                + BATCH + "))", at);
        deleted += repeat("DELETE FROM monitoring.issue_counts WHERE ctid = ANY (ARRAY(SELECT ctid FROM monitoring.issue_counts "
                + "WHERE hour < ? LIMIT " + BATCH + "))", at);
        for (String table : new String[] {"attachments", "user_reports", "session_updates"}) {
            deleted += repeat("DELETE FROM monitoring." + table + " WHERE ctid = ANY (ARRAY(SELECT ctid FROM monitoring." + table
                    + " WHERE received_at < ? LIMIT " + BATCH + "))", at);
        }
        for (String table : new String[] {"release_health", "release_health_users"}) {
            deleted += repeat("DELETE FROM monitoring." + table + " WHERE ctid = ANY (ARRAY(SELECT ctid FROM monitoring." + table
                    + " WHERE hour < ? LIMIT " + BATCH + "))", at);
        }
        deleted += repeat("DELETE FROM monitoring.outcomes WHERE ctid = ANY (ARRAY(SELECT ctid FROM monitoring.outcomes "
                + "WHERE hour < ? LIMIT " + BATCH + "))", at);
        deleted += repeat("DELETE FROM monitoring.inbox WHERE failed AND received_at < ?", at);
        // Fleet health's transitions, but each service's latest: uptime needs the status a window starts in.
        deleted += repeat("DELETE FROM monitoring.fleet_transitions WHERE id = ANY (ARRAY(SELECT id FROM monitoring.fleet_transitions t "
                + "WHERE at < ? AND id <> (SELECT max(id) FROM monitoring.fleet_transitions l WHERE l.service = t.service) LIMIT " + BATCH + "))", at);
        return deleted;
    }

    /** The states of sessions started before {@code cutoff}, which their SDKs no longer update. */
    public long deleteSessionStatesBefore(Instant cutoff) {
        return repeat("DELETE FROM monitoring.session_states WHERE ctid = ANY (ARRAY(SELECT ctid FROM monitoring.session_states "
                + "WHERE hour < ? LIMIT " + BATCH + "))", Timestamp.from(cutoff));
    }

    public long[] projectIds() {
        return Jdbc.query(dataSource, "SELECT id FROM monitoring.projects", row -> row.getLong(1)).stream().mapToLong(Long::longValue).toArray();
    }

    private long repeat(String sql, Object... parameters) {
        long total = 0;
        int deleted;
        do {
            deleted = Jdbc.update(dataSource, sql, parameters);
            total += deleted;
        } while (deleted >= BATCH);
        return total;
    }

    private long single(String sql, Object... parameters) {
        return Jdbc.query(dataSource, sql, row -> row.getLong(1), parameters).get(0);
    }

    private Timestamp timestamp(String sql, Object... parameters) {
        return Jdbc.query(dataSource, sql, row -> row.getTimestamp(1), parameters).stream().findFirst().orElse(new Timestamp(0));
    }
}
