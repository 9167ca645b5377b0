package dev.groundwork.monitoring.repository;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The queries of the read API: issues with their counts, one issue's events, tags and stats. */
@ApplicationScoped
public class IssueReads {

    public record IssueRow(long id, long projectId, String title, String culprit, String type, String metadata, String level,
                           String platform, String status, String resolvedInRelease, boolean resolvedInNextRelease, Instant firstSeen,
                           Instant lastSeen, String firstRelease, String lastRelease, long timesSeen, long users, long periodCount,
                           String groupingVersion, String groupingHash) {
    }

    public record EventRow(UUID eventId, long issueId, long projectId, Instant occurredAt, Instant receivedAt, String level,
                           String release, String environment, String payload) {
    }

    public record TagRow(String key, String value, long events, Instant lastSeen) {
    }

    /** What the issue list filters on; null fields do not filter. */
    public record Filter(long projectId, List<String> statuses, String level, String release, String text, String environment,
                         Instant since) {
    }

    public enum Sort { DATE, NEW, FREQ, USER }

    private static final String ISSUE_COLUMNS = "i.id, i.project_id, i.title, i.culprit, i.type, i.metadata::text AS metadata, i.level, "
            + "i.platform, i.status, i.resolved_in_release, i.resolved_in_next_release, i.first_seen, i.last_seen, i.first_release, "
            + "i.last_release, i.times_seen, i.grouping_version, i.grouping_hash, "
            + "(SELECT count(*) FROM monitoring.issue_users u WHERE u.issue_id = i.id) AS users";

    @Inject
    AgroalDataSource dataSource;

    public List<IssueRow> issues(Filter filter, Sort sort, int offset, int limit) {
        List<Object> parameters = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT ").append(ISSUE_COLUMNS).append(", c.events AS period_count FROM monitoring.issues i ")
                .append("JOIN (SELECT issue_id, sum(events) AS events FROM monitoring.issue_counts WHERE hour >= ?");
        parameters.add(Timestamp.from(filter.since()));
        if (filter.environment() != null) {
            sql.append(" AND environment = ?");
            parameters.add(filter.environment());
        }
        sql.append(" GROUP BY issue_id) c ON c.issue_id = i.id WHERE i.project_id = ?");
        parameters.add(filter.projectId());
        if (filter.statuses() != null && !filter.statuses().isEmpty()) {
            sql.append(" AND i.status = ANY (?)");
            parameters.add(filter.statuses().toArray(String[]::new));
        }
        if (filter.level() != null) {
            sql.append(" AND i.level = ?");
            parameters.add(filter.level());
        }
        if (filter.release() != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM monitoring.issue_tags t WHERE t.issue_id = i.id AND t.key = 'release' AND t.value = ?)");
            parameters.add(filter.release());
        }
        if (filter.text() != null) {
            sql.append(" AND (i.title ILIKE ? OR i.culprit ILIKE ?)");
            String like = "%" + filter.text().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            parameters.add(like);
            parameters.add(like);
        }
        sql.append(switch (sort) {
            case NEW -> " ORDER BY i.first_seen DESC, i.id DESC";
            case FREQ -> " ORDER BY period_count DESC, i.id DESC";
            case USER -> " ORDER BY users DESC, i.id DESC";
            case DATE -> " ORDER BY i.last_seen DESC, i.id DESC";
        }).append(" OFFSET ? LIMIT ?");
        parameters.add(offset);
        parameters.add(limit);
        return query(sql.toString(), IssueReads::issue, parameters.toArray());
    }

    public Optional<IssueRow> issue(long id) {
        return query("SELECT " + ISSUE_COLUMNS + ", i.times_seen AS period_count FROM monitoring.issues i WHERE i.id = ?", IssueReads::issue, id)
                .stream().findFirst();
    }

    /** Events per bucket since {@code since}: bucket start (epoch seconds) → count. */
    public Map<Long, Long> stats(long issueId, Instant since, long bucketSeconds, String environment) {
        String sql = "SELECT floor(extract(epoch FROM hour) / ?)::bigint * ? AS bucket, sum(events) FROM monitoring.issue_counts "
                + "WHERE issue_id = ? AND hour >= ?" + (environment != null ? " AND environment = ?" : "") + " GROUP BY bucket";
        Object[] parameters = environment != null
                ? new Object[] {bucketSeconds, bucketSeconds, issueId, Timestamp.from(since), environment}
                : new Object[] {bucketSeconds, bucketSeconds, issueId, Timestamp.from(since)};
        Map<Long, Long> buckets = new LinkedHashMap<>();
        query(sql, row -> buckets.put(row.getLong(1), row.getLong(2)), parameters);
        return buckets;
    }

    public List<TagRow> tags(long issueId) {
        return query("SELECT key, value, events, last_seen FROM monitoring.issue_tags WHERE issue_id = ? ORDER BY key, events DESC, value",
                row -> new TagRow(row.getString(1), row.getString(2), row.getLong(3), row.getTimestamp(4).toInstant()), issueId);
    }

    /** Newest first; envelopes committed together share received_at, so the SDK's own timestamp breaks the tie. */
    public List<EventRow> events(long issueId, int offset, int limit) {
        return query("SELECT event_id, issue_id, project_id, occurred_at, received_at, level, release, environment, payload::text "
                + "FROM monitoring.events WHERE issue_id = ? ORDER BY received_at DESC, occurred_at DESC, event_id OFFSET ? LIMIT ?", IssueReads::event, issueId, offset, limit);
    }

    public Optional<EventRow> event(long issueId, UUID eventId) {
        return query("SELECT event_id, issue_id, project_id, occurred_at, received_at, level, release, environment, payload::text "
                + "FROM monitoring.events WHERE issue_id = ? AND event_id = ?", IssueReads::event, issueId, eventId).stream().findFirst();
    }

    /** Sets an issue's status; false when there is no such issue. */
    public boolean setStatus(long id, String status, String resolvedInRelease, boolean inNextRelease) {
        boolean resolved = "resolved".equals(status);
        return Jdbc.update(dataSource, "UPDATE monitoring.issues SET status = ?, resolved_in_release = ?, resolved_in_next_release = ?, "
                + "resolved_at = CASE WHEN ? THEN now() ELSE NULL END WHERE id = ?",
                status, resolved ? resolvedInRelease : null, resolved && inNextRelease, resolved, id) == 1;
    }

    private <T> List<T> query(String sql, Jdbc.RowMapper<T> mapper, Object... parameters) {
        return Jdbc.query(dataSource, sql, mapper, parameters);
    }

    private static IssueRow issue(ResultSet row) throws SQLException {
        return new IssueRow(row.getLong("id"), row.getLong("project_id"), row.getString("title"), row.getString("culprit"),
                row.getString("type"), row.getString("metadata"), row.getString("level"), row.getString("platform"), row.getString("status"),
                row.getString("resolved_in_release"), row.getBoolean("resolved_in_next_release"), row.getTimestamp("first_seen").toInstant(),
                row.getTimestamp("last_seen").toInstant(), row.getString("first_release"), row.getString("last_release"),
                row.getLong("times_seen"), row.getLong("users"), row.getLong("period_count"), row.getString("grouping_version"),
                row.getString("grouping_hash"));
    }

    private static EventRow event(ResultSet row) throws SQLException {
        return new EventRow(row.getObject(1, UUID.class), row.getLong(2), row.getLong(3), row.getTimestamp(4).toInstant(),
                row.getTimestamp(5).toInstant(), row.getString(6), row.getString(7), row.getString(8), row.getString(9));
    }
}
