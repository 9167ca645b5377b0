package dev.groundwork.monitoring.repository;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * What processing writes for release health, on the caller's connection (one transaction per inbox batch): the state
 * of each individual session, and the hourly counters and users per release and environment. Callers write sessions
 * in the order of their ids and counters in the order of their keys, so that replicas processing at once do not deadlock.
 */
@ApplicationScoped
public class ReleaseHealthWrites {

    /** A session as first seen, or as stored; {@code outcome} 0 healthy, 1 errored, 2 abnormal, 3 crashed. */
    public record SessionState(long projectId, String sid, String release, String environment, Instant hour, String userKey, int outcome) {
    }

    /** The counters of one project, release, environment and hour. */
    public record HealthKey(long projectId, String release, String environment, Instant hour) implements Comparable<HealthKey> {
        private static final Comparator<HealthKey> ORDER = Comparator.comparingLong(HealthKey::projectId).thenComparing(HealthKey::release)
                .thenComparing(HealthKey::environment).thenComparing(HealthKey::hour);

        @Override
        public int compareTo(HealthKey other) {
            return ORDER.compare(this, other);
        }
    }

    /** Changes to one row of counters: sessions, errored, abnormal, crashed (negative when a session moves on), and when. */
    public record HealthDelta(long sessions, long errored, long abnormal, long crashed, Instant firstSeen, Instant lastSeen) {
    }

    public record UserKey(HealthKey health, String userKey) implements Comparable<UserKey> {
        @Override
        public int compareTo(UserKey other) {
            int byHealth = health.compareTo(other.health);
            return byHealth != 0 ? byHealth : userKey.compareTo(other.userKey);
        }
    }

    /**
     * Records a session seen for the first time and returns empty; or, when it is known, locks its row until the
     * transaction ends and returns it as stored (a concurrent first sight waits for the other transaction).
     */
    public Optional<SessionState> insertOrLock(Connection connection, SessionState session) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO monitoring.session_states (project_id, sid, release, "
                + "environment, hour, user_key, outcome) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            insert.setLong(1, session.projectId());
            insert.setString(2, session.sid());
            insert.setString(3, session.release());
            insert.setString(4, session.environment());
            insert.setTimestamp(5, Timestamp.from(session.hour()));
            insert.setString(6, session.userKey());
            insert.setInt(7, session.outcome());
            if (insert.executeUpdate() == 1) {
                return Optional.empty();
            }
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT release, environment, hour, user_key, outcome "
                + "FROM monitoring.session_states WHERE project_id = ? AND sid = ? FOR UPDATE")) {
            select.setLong(1, session.projectId());
            select.setString(2, session.sid());
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new SQLException("session state vanished while it was locked");
                }
                return Optional.of(new SessionState(session.projectId(), session.sid(), row.getString(1), row.getString(2),
                        row.getTimestamp(3).toInstant(), row.getString(4), row.getInt(5)));
            }
        }
    }

    public void updateState(Connection connection, SessionState session) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE monitoring.session_states SET outcome = ?, user_key = ? WHERE project_id = ? AND sid = ?")) {
            update.setInt(1, session.outcome());
            update.setString(2, session.userKey());
            update.setLong(3, session.projectId());
            update.setString(4, session.sid());
            update.executeUpdate();
        }
    }

    /** Adds the deltas to the counters, in key order. */
    public void addCounts(Connection connection, Map<HealthKey, HealthDelta> deltas) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO monitoring.release_health (project_id, release, environment, "
                + "hour, sessions, errored, abnormal, crashed, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (project_id, release, environment, hour) DO UPDATE SET sessions = release_health.sessions + excluded.sessions, "
                + "errored = release_health.errored + excluded.errored, abnormal = release_health.abnormal + excluded.abnormal, "
                + "crashed = release_health.crashed + excluded.crashed, first_seen = least(release_health.first_seen, excluded.first_seen), "
                + "last_seen = greatest(release_health.last_seen, excluded.last_seen)")) {
            for (Map.Entry<HealthKey, HealthDelta> entry : deltas.entrySet()) {
                HealthKey key = entry.getKey();
                HealthDelta delta = entry.getValue();
                upsert.setLong(1, key.projectId());
                upsert.setString(2, key.release());
                upsert.setString(3, key.environment());
                upsert.setTimestamp(4, Timestamp.from(key.hour()));
                upsert.setLong(5, delta.sessions());
                upsert.setLong(6, delta.errored());
                upsert.setLong(7, delta.abnormal());
                upsert.setLong(8, delta.crashed());
                upsert.setTimestamp(9, Timestamp.from(delta.firstSeen()));
                upsert.setTimestamp(10, Timestamp.from(delta.lastSeen()));
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    /** Records the users (true: one of their sessions crashed), in key order; a user once crashed stays crashed. */
    public void addUsers(Connection connection, Map<UserKey, Boolean> users) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO monitoring.release_health_users (project_id, release, "
                + "environment, hour, user_key, crashed) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, release, environment, hour, user_key) "
                + "DO UPDATE SET crashed = release_health_users.crashed OR excluded.crashed WHERE excluded.crashed AND NOT release_health_users.crashed")) {
            for (Map.Entry<UserKey, Boolean> user : users.entrySet()) {
                HealthKey key = user.getKey().health();
                upsert.setLong(1, key.projectId());
                upsert.setString(2, key.release());
                upsert.setString(3, key.environment());
                upsert.setTimestamp(4, Timestamp.from(key.hour()));
                upsert.setString(5, user.getKey().userKey());
                upsert.setBoolean(6, user.getValue());
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }
}
