package dev.groundwork.monitoring.repository;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What alert rules fired (table {@code alert_deliveries}) and when they last fired per subject ({@code alert_throttles}).
 * Writes that belong to a cause take the caller's connection, so that they commit or roll back with it.
 */
@ApplicationScoped
public class AlertRepository {

    public record DeliveryRow(long id, String rule, String trigger, Long projectId, Long issueId, String service, String facts,
                              String status, int attempts, Instant nextAttemptAt, Instant lastAttemptAt, Integer lastStatus,
                              String lastError, Instant createdAt, Instant deliveredAt) {
    }

    /** An issue with at least a spike's events in the window. */
    public record SpikeRow(long issueId, long projectId, String projectSlug, String title, String level, String release, long events) {
    }

    private static final String COLUMNS = "id, rule, trigger, project_id, issue_id, service, facts::text AS facts, status, attempts, "
            + "next_attempt_at, last_attempt_at, last_status, last_error, created_at, delivered_at";

    @Inject
    AgroalDataSource dataSource;

    /**
     * Claims the rule's turn for the subject: true (and the time recorded) when it has not fired for it within
     * {@code throttle}. One upsert, so that two replicas (or two transactions) cannot both fire: the second waits for
     * the first's row and then sees it fired.
     */
    public boolean claimThrottle(Connection connection, String rule, String subject, Duration throttle) throws SQLException {
        try (PreparedStatement claim = Jdbc.prepare(connection, "INSERT INTO monitoring.alert_throttles (rule, subject, fired_at) "
                        + "VALUES (?, ?, now()) ON CONFLICT (rule, subject) DO UPDATE SET fired_at = excluded.fired_at "
                        + "WHERE alert_throttles.fired_at <= now() - make_interval(secs => ?) RETURNING 1",
                rule, subject, (double) throttle.toMillis() / 1000);
             ResultSet row = claim.executeQuery()) {
            return row.next();
        }
    }

    public void insertDelivery(Connection connection, String rule, String trigger, Long projectId, Long issueId, String service,
                               String facts) throws SQLException {
        try (PreparedStatement insert = Jdbc.prepare(connection, "INSERT INTO monitoring.alert_deliveries "
                + "(rule, trigger, project_id, issue_id, service, facts) VALUES (?, ?, ?, ?, ?, ?::jsonb)", rule, trigger, projectId,
                issueId, service, facts)) {
            insert.executeUpdate();
        }
    }

    /**
     * Due deliveries, each leased for {@code lease} (its next attempt moved past the POST's end) and its attempt counted,
     * in one short transaction: the POSTs run outside it, and a replica that dies mid-POST leaves the row to be taken
     * over when the lease passes.
     */
    public List<DeliveryRow> claimDue(int limit, Duration lease) {
        return Jdbc.query(dataSource, "UPDATE monitoring.alert_deliveries SET attempts = attempts + 1, last_attempt_at = now(), "
                        + "next_attempt_at = now() + make_interval(secs => ?) WHERE id IN (SELECT id FROM monitoring.alert_deliveries "
                        + "WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED) "
                        + "RETURNING " + COLUMNS,
                AlertRepository::delivery, (double) lease.toSeconds(), limit);
    }

    public void delivered(long id, int status) {
        Jdbc.update(dataSource, "UPDATE monitoring.alert_deliveries SET status = 'delivered', delivered_at = now(), last_status = ?, "
                + "last_error = NULL WHERE id = ? AND status = 'pending'", status, id);
    }

    /** A failed attempt: tried again at {@code retryAt}, or (null) given up. */
    public void attemptFailed(long id, Integer status, String error, Instant retryAt) {
        if (retryAt == null) {
            Jdbc.update(dataSource, "UPDATE monitoring.alert_deliveries SET status = 'failed', last_status = ?, last_error = ? "
                    + "WHERE id = ? AND status = 'pending'", status, error, id);
        } else {
            Jdbc.update(dataSource, "UPDATE monitoring.alert_deliveries SET last_status = ?, last_error = ?, next_attempt_at = ? "
                    + "WHERE id = ? AND status = 'pending'", status, error, Timestamp.from(retryAt), id);
        }
    }

    /** The newest deliveries first, optionally of one status and one rule. */
    public List<DeliveryRow> recent(String status, String rule, int offset, int limit) {
        return Jdbc.query(dataSource, "SELECT " + COLUMNS + " FROM monitoring.alert_deliveries WHERE (?::text IS NULL OR status = ?) "
                        + "AND (?::text IS NULL OR rule = ?) ORDER BY created_at DESC, id DESC OFFSET ? LIMIT ?",
                AlertRepository::delivery, status, status, rule, rule, offset, limit);
    }

    /**
     * Issues (not ignored) with at least {@code events} events received within the last {@code minutes}, of a project
     * and an environment when given. Reads {@code events_received}'s range.
     */
    public List<SpikeRow> spikes(String projectSlug, String environment, int minutes, int events) {
        return Jdbc.query(dataSource, "SELECT e.issue_id, i.project_id, p.slug, i.title, i.level, i.last_release, count(*) AS events "
                        + "FROM monitoring.events e JOIN monitoring.issues i ON i.id = e.issue_id JOIN monitoring.projects p ON p.id = i.project_id "
                        + "WHERE e.received_at >= now() - make_interval(mins => ?) AND i.status <> 'ignored' "
                        + "AND (?::text IS NULL OR p.slug = ?) AND (?::text IS NULL OR e.environment = ?) "
                        + "GROUP BY e.issue_id, i.project_id, p.slug, i.title, i.level, i.last_release HAVING count(*) >= ? ORDER BY e.issue_id",
                row -> new SpikeRow(row.getLong(1), row.getLong(2), row.getString(3), row.getString(4), row.getString(5), row.getString(6),
                        row.getLong(7)),
                minutes, projectSlug, projectSlug, environment, environment, events);
    }

    /** Finished deliveries created before {@code deliveriesBefore}, and throttles older than {@code throttlesBefore}. */
    public int deleteOld(Instant deliveriesBefore, Instant throttlesBefore) {
        return Jdbc.update(dataSource, "DELETE FROM monitoring.alert_deliveries WHERE status <> 'pending' AND created_at < ?",
                Timestamp.from(deliveriesBefore))
                + Jdbc.update(dataSource, "DELETE FROM monitoring.alert_throttles WHERE fired_at < ?", Timestamp.from(throttlesBefore));
    }

    private static DeliveryRow delivery(ResultSet row) throws SQLException {
        return new DeliveryRow(row.getLong("id"), row.getString("rule"), row.getString("trigger"), (Long) row.getObject("project_id"),
                (Long) row.getObject("issue_id"), row.getString("service"), row.getString("facts"), row.getString("status"),
                row.getInt("attempts"), instant(row.getTimestamp("next_attempt_at")), instant(row.getTimestamp("last_attempt_at")),
                (Integer) row.getObject("last_status"), row.getString("last_error"), instant(row.getTimestamp("created_at")),
                instant(row.getTimestamp("delivered_at")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
