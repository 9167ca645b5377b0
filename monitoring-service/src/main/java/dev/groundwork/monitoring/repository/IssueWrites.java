package dev.groundwork.monitoring.repository;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What processing writes: issues, events, their counts, users and tags, and the other items of an envelope, on the
 * caller's connection (one transaction per inbox batch). Rows are written in batches, in a fixed order of keys, so
 * that two replicas processing at once do not deadlock.
 */
@ApplicationScoped
public class IssueWrites {

    /** The state of an issue that processing reads and writes. */
    public record IssueState(long id, String status, String resolvedInRelease, boolean resolvedInNextRelease, Instant resolvedAt,
                             Instant firstSeen, Instant lastSeen, String lastRelease, long timesSeen) {
    }

    public record NewIssue(long projectId, String hash, String version, String type, String title, String culprit, String metadata,
                           String level, String platform, Instant firstSeen, Instant lastSeen, String release, long timesSeen) {
    }

    public record EventRow(long projectId, UUID eventId, long issueId, Instant occurredAt, Instant receivedAt, String level,
                           String release, String environment, String userKey, String payload) {
    }

    /**
     * Locks the events' ids until the transaction ends (in a fixed order), so that two replicas processing the same
     * event (an SDK's retry in two inbox rows) cannot both find it new: the second waits, then finds it stored.
     */
    public void lockEvents(Connection connection, Collection<Map.Entry<Long, UUID>> events) throws SQLException {
        Long[] keys = events.stream()
                .map(event -> event.getValue().getMostSignificantBits() ^ event.getValue().getLeastSignificantBits() ^ event.getKey())
                .sorted().distinct().toArray(Long[]::new);
        try (PreparedStatement lock = connection.prepareStatement(
                "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest(?::bigint[]) AS k ORDER BY 1) AS keys")) {
            lock.setArray(1, connection.createArrayOf("bigint", keys));
            lock.executeQuery().close();
        }
    }

    /** The event ids among {@code ids} already stored for the project. */
    public Set<UUID> existingEvents(Connection connection, long projectId, Collection<UUID> ids) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT event_id FROM monitoring.events WHERE project_id = ? AND event_id = ANY (?)")) {
            select.setLong(1, projectId);
            select.setArray(2, connection.createArrayOf("uuid", ids.toArray()));
            Set<UUID> found = new HashSet<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getObject(1, UUID.class));
                }
            }
            return found;
        }
    }

    /** Records releases not seen before (first seen: now) and answers when each was first seen. */
    public Map<String, Instant> releases(Connection connection, long projectId, Collection<String> versions) throws SQLException {
        String[] sorted = versions.stream().sorted().toArray(String[]::new);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO monitoring.releases (project_id, version, first_seen) "
                + "SELECT ?, v, now() FROM unnest(?::text[]) AS v ON CONFLICT DO NOTHING");
             PreparedStatement select = connection.prepareStatement(
                     "SELECT version, first_seen FROM monitoring.releases WHERE project_id = ? AND version = ANY (?)")) {
            insert.setLong(1, projectId);
            insert.setArray(2, connection.createArrayOf("text", sorted));
            insert.executeUpdate();
            select.setLong(1, projectId);
            select.setArray(2, connection.createArrayOf("text", sorted));
            Map<String, Instant> firstSeen = new HashMap<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    firstSeen.put(rows.getString(1), rows.getTimestamp(2).toInstant());
                }
            }
            return firstSeen;
        }
    }

    public Optional<Instant> releaseFirstSeen(Connection connection, long projectId, String version) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT first_seen FROM monitoring.releases WHERE project_id = ? AND version = ?")) {
            select.setLong(1, projectId);
            select.setString(2, version);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(row.getTimestamp(1).toInstant()) : Optional.empty();
            }
        }
    }

    /** A new issue's id, or empty when the project already has an issue of that hash. */
    public Optional<Long> insertIssue(Connection connection, NewIssue issue) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO monitoring.issues (project_id, grouping_hash, grouping_version, "
                + "type, title, culprit, metadata, level, platform, first_seen, last_seen, first_release, last_release, times_seen) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, grouping_hash) DO NOTHING RETURNING id")) {
            int i = 0;
            insert.setLong(++i, issue.projectId());
            insert.setString(++i, issue.hash());
            insert.setString(++i, issue.version());
            insert.setString(++i, issue.type());
            insert.setString(++i, issue.title());
            insert.setString(++i, issue.culprit());
            insert.setString(++i, issue.metadata());
            insert.setString(++i, issue.level());
            insert.setString(++i, issue.platform());
            insert.setTimestamp(++i, Timestamp.from(issue.firstSeen()));
            insert.setTimestamp(++i, Timestamp.from(issue.lastSeen()));
            insert.setString(++i, issue.release());
            insert.setString(++i, issue.release());
            insert.setLong(++i, issue.timesSeen());
            try (ResultSet row = insert.executeQuery()) {
                return row.next() ? Optional.of(row.getLong(1)) : Optional.empty();
            }
        }
    }

    public IssueState lockIssue(Connection connection, long projectId, String hash) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT id, status, resolved_in_release, resolved_in_next_release, "
                + "resolved_at, first_seen, last_seen, last_release, times_seen FROM monitoring.issues WHERE project_id = ? AND grouping_hash = ? FOR UPDATE")) {
            select.setLong(1, projectId);
            select.setString(2, hash);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                Timestamp resolvedAt = row.getTimestamp("resolved_at");
                return new IssueState(row.getLong("id"), row.getString("status"), row.getString("resolved_in_release"),
                        row.getBoolean("resolved_in_next_release"), resolvedAt == null ? null : resolvedAt.toInstant(),
                        row.getTimestamp("first_seen").toInstant(), row.getTimestamp("last_seen").toInstant(),
                        row.getString("last_release"), row.getLong("times_seen"));
            }
        }
    }

    /** New events of an issue: counts, times, the latest event's title and level, and its status (a regression reopens it). */
    public void updateIssue(Connection connection, long id, NewIssue latest, Instant firstSeen, Instant lastSeen, String lastRelease,
                            long added, boolean reopen) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE monitoring.issues SET times_seen = times_seen + ?, first_seen = ?, "
                + "last_seen = ?, last_release = ?, title = ?, culprit = ?, metadata = ?::jsonb, level = ?, "
                + "status = CASE WHEN ? THEN 'unresolved' ELSE status END, "
                + "resolved_in_release = CASE WHEN ? THEN NULL ELSE resolved_in_release END, "
                + "resolved_in_next_release = CASE WHEN ? THEN false ELSE resolved_in_next_release END, "
                + "resolved_at = CASE WHEN ? THEN NULL ELSE resolved_at END WHERE id = ?")) {
            int i = 0;
            update.setLong(++i, added);
            update.setTimestamp(++i, Timestamp.from(firstSeen));
            update.setTimestamp(++i, Timestamp.from(lastSeen));
            update.setString(++i, lastRelease);
            update.setString(++i, latest.title());
            update.setString(++i, latest.culprit());
            update.setString(++i, latest.metadata());
            update.setString(++i, latest.level());
            for (int flag = 0; flag < 4; flag++) {
                update.setBoolean(++i, reopen);
            }
            update.setLong(++i, id);
            update.executeUpdate();
        }
    }

    public void insertEvents(Connection connection, List<EventRow> events) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO monitoring.events (project_id, event_id, issue_id, occurred_at, "
                + "received_at, level, release, environment, user_key, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::json) "
                + "ON CONFLICT DO NOTHING")) {
            for (EventRow event : events) {
                int i = 0;
                insert.setLong(++i, event.projectId());
                insert.setObject(++i, event.eventId());
                insert.setLong(++i, event.issueId());
                insert.setTimestamp(++i, Timestamp.from(event.occurredAt()));
                insert.setTimestamp(++i, Timestamp.from(event.receivedAt()));
                insert.setString(++i, event.level());
                insert.setString(++i, event.release());
                insert.setString(++i, event.environment());
                insert.setString(++i, event.userKey());
                insert.setString(++i, event.payload());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Adds to the hourly counts; keys are (issue, hour, environment), written in their sorted order. */
    public void addCounts(Connection connection, Map<CountKey, Long> counts) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO monitoring.issue_counts (issue_id, hour, environment, events) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT (issue_id, hour, environment) DO UPDATE SET events = issue_counts.events + excluded.events")) {
            for (Map.Entry<CountKey, Long> count : counts.entrySet()) {
                upsert.setLong(1, count.getKey().issueId());
                upsert.setTimestamp(2, Timestamp.from(count.getKey().hour()));
                upsert.setString(3, count.getKey().environment());
                upsert.setLong(4, count.getValue());
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    public record CountKey(long issueId, Instant hour, String environment) implements Comparable<CountKey> {
        @Override
        public int compareTo(CountKey other) {
            int byIssue = Long.compare(issueId, other.issueId);
            int byHour = byIssue != 0 ? byIssue : hour.compareTo(other.hour);
            return byHour != 0 ? byHour : environment.compareTo(other.environment);
        }
    }

    public record TagKey(long issueId, String key, String value) implements Comparable<TagKey> {
        @Override
        public int compareTo(TagKey other) {
            int byIssue = Long.compare(issueId, other.issueId);
            int byKey = byIssue != 0 ? byIssue : key.compareTo(other.key);
            return byKey != 0 ? byKey : value.compareTo(other.value);
        }
    }

    public void addUsers(Connection connection, Set<Map.Entry<Long, String>> users) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO monitoring.issue_users (issue_id, user_key) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            for (Map.Entry<Long, String> user : users) {
                insert.setLong(1, user.getKey());
                insert.setString(2, user.getValue());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    public void addTags(Connection connection, Map<TagKey, Long> tags, Instant seen) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO monitoring.issue_tags (issue_id, key, value, events, last_seen) "
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (issue_id, key, value) DO UPDATE SET events = issue_tags.events + excluded.events, "
                + "last_seen = GREATEST(issue_tags.last_seen, excluded.last_seen)")) {
            for (Map.Entry<TagKey, Long> tag : tags.entrySet()) {
                upsert.setLong(1, tag.getKey().issueId());
                upsert.setString(2, tag.getKey().key());
                upsert.setString(3, tag.getKey().value());
                upsert.setLong(4, tag.getValue());
                upsert.setTimestamp(5, Timestamp.from(seen));
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    /** Transactions counted and the SDKs' client reports, per project, hour, category, outcome and reason. */
    public void addOutcome(Connection connection, long projectId, Instant hour, String category, String outcome, String reason,
                           long quantity) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO monitoring.outcomes (project_id, hour, category, outcome, reason, "
                + "quantity) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, hour, category, outcome, reason) "
                + "DO UPDATE SET quantity = outcomes.quantity + excluded.quantity")) {
            upsert.setLong(1, projectId);
            upsert.setTimestamp(2, Timestamp.from(hour));
            upsert.setString(3, category);
            upsert.setString(4, outcome);
            upsert.setString(5, reason);
            upsert.setLong(6, quantity);
            upsert.executeUpdate();
        }
    }

    public void insertSessionUpdate(Connection connection, long projectId, String kind, String release, String environment,
                                    String payload, Instant receivedAt) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO monitoring.session_updates (project_id, kind, release, environment, "
                + "payload, received_at) VALUES (?, ?, ?, ?, ?::json, ?)")) {
            insert.setLong(1, projectId);
            insert.setString(2, kind);
            insert.setString(3, release);
            insert.setString(4, environment);
            insert.setString(5, payload);
            insert.setTimestamp(6, Timestamp.from(receivedAt));
            insert.executeUpdate();
        }
    }

    public void insertAttachment(Connection connection, long projectId, UUID eventId, String filename, String contentType, String kind,
                                 byte[] data, Instant receivedAt) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO monitoring.attachments (project_id, event_id, filename, "
                + "content_type, kind, size, data, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            insert.setLong(1, projectId);
            insert.setObject(2, eventId);
            insert.setString(3, filename);
            insert.setString(4, contentType);
            insert.setString(5, kind);
            insert.setInt(6, data.length);
            insert.setBytes(7, data);
            insert.setTimestamp(8, Timestamp.from(receivedAt));
            insert.executeUpdate();
        }
    }

    public void insertUserReport(Connection connection, long projectId, UUID reportId, UUID eventId, String name, String email,
                                 String comments, Instant receivedAt) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO monitoring.user_reports (project_id, report_id, event_id, name, "
                + "email, comments, received_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            insert.setLong(1, projectId);
            insert.setObject(2, reportId);
            insert.setObject(3, eventId);
            insert.setString(4, name);
            insert.setString(5, email);
            insert.setString(6, comments);
            insert.setTimestamp(7, Timestamp.from(receivedAt));
            insert.executeUpdate();
        }
    }
}
