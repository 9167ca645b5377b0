package dev.groundwork.monitoring.repository;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The inbox of accepted envelopes (table {@code inbox}), on the caller's connection and transaction. */
@ApplicationScoped
public class InboxRepository {

    public record InboxRow(long id, long projectId, byte[] envelope, Instant receivedAt, int attempts) {
    }

    private static final String COLUMNS = "id, project_id, envelope, received_at, attempts";

    /** Due rows, locked for this transaction; rows another replica holds are skipped. */
    public List<InboxRow> claim(Connection connection, int limit) throws SQLException {
        return rows(connection, "SELECT " + COLUMNS + " FROM monitoring.inbox WHERE NOT failed AND next_attempt_at <= now() "
                + "ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED", limit);
    }

    public List<InboxRow> claimOne(Connection connection, long id) throws SQLException {
        return rows(connection, "SELECT " + COLUMNS + " FROM monitoring.inbox WHERE id = ? AND NOT failed FOR UPDATE SKIP LOCKED", id);
    }

    public void delete(Connection connection, List<InboxRow> rows) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM monitoring.inbox WHERE id = ANY (?)")) {
            delete.setArray(1, connection.createArrayOf("bigint", rows.stream().map(InboxRow::id).toArray()));
            delete.executeUpdate();
        }
    }

    /** Records a failed attempt: tried again after {@code backoff}, or given up ({@code failed}) after the last one. */
    public void failed(Connection connection, long id, String error, Duration backoff, boolean giveUp) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE monitoring.inbox SET attempts = attempts + 1, last_error = ?, "
                + "next_attempt_at = ?, failed = ? WHERE id = ?")) {
            update.setString(1, error);
            update.setTimestamp(2, Timestamp.from(Instant.now().plus(backoff)));
            update.setBoolean(3, giveUp);
            update.setLong(4, id);
            update.executeUpdate();
        }
    }

    /** Rows waiting (due or backing off) and rows given up, for the gauges. */
    public long[] counts(Connection connection) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement(
                "SELECT count(*) FILTER (WHERE NOT failed), count(*) FILTER (WHERE failed) FROM monitoring.inbox");
             ResultSet row = count.executeQuery()) {
            row.next();
            return new long[] {row.getLong(1), row.getLong(2)};
        }
    }

    private static List<InboxRow> rows(Connection connection, String sql, long parameter) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setLong(1, parameter);
            try (ResultSet rows = select.executeQuery()) {
                List<InboxRow> result = new ArrayList<>();
                while (rows.next()) {
                    result.add(new InboxRow(rows.getLong("id"), rows.getLong("project_id"), rows.getBytes("envelope"),
                            rows.getTimestamp("received_at").toInstant(), rows.getInt("attempts")));
                }
                return result;
            }
        }
    }
}
