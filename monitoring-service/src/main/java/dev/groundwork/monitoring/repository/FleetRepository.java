package dev.groundwork.monitoring.repository;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fleet health's tables ({@code fleet_services}, {@code fleet_transitions}): the poller's writes on its own
 * connection and transaction, the API's reads on connections of their own.
 */
@ApplicationScoped
public class FleetRepository {

    /** A service's current state; {@code failures} counts its consecutive failed probes. */
    public record ServiceState(String name, String status, Instant since, Instant lastCheckedAt, String detail, int failures) {
    }

    public record TransitionRow(String service, String from, String to, Instant at, String detail) {
    }

    /** Seconds in "up" and seconds observed (up or down) in the last 24 hours and 7 days; null when nothing was observed. */
    public record UptimeRow(String service, Double upDay, Double observedDay, Double upWeek, Double observedWeek) {
    }

    private static final String STATE_COLUMNS = "name, status, since, last_checked_at, detail, failures";

    @Inject
    AgroalDataSource dataSource;

    /**
     * The poller's lock for this transaction, or false when another replica holds it. A transaction-level advisory
     * lock: it works through Supabase's pooler in transaction mode (a session lock would not).
     */
    public boolean tryLock(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_xact_lock(hashtext('monitoring.fleet-health'))");
             ResultSet row = lock.executeQuery()) {
            row.next();
            return row.getBoolean(1);
        }
    }

    public Map<String, ServiceState> states(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + STATE_COLUMNS + " FROM monitoring.fleet_services");
             ResultSet rows = select.executeQuery()) {
            Map<String, ServiceState> states = new HashMap<>();
            while (rows.next()) {
                ServiceState state = state(rows);
                states.put(state.name(), state);
            }
            return states;
        }
    }

    public void save(Connection connection, ServiceState state) throws SQLException {
        try (PreparedStatement upsert = Jdbc.prepare(connection, "INSERT INTO monitoring.fleet_services (" + STATE_COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET status = excluded.status, since = excluded.since, "
                        + "last_checked_at = excluded.last_checked_at, detail = excluded.detail, failures = excluded.failures",
                state.name(), state.status(), Timestamp.from(state.since()), Timestamp.from(state.lastCheckedAt()), state.detail(),
                state.failures())) {
            upsert.executeUpdate();
        }
    }

    public void record(Connection connection, TransitionRow transition) throws SQLException {
        try (PreparedStatement insert = Jdbc.prepare(connection, "INSERT INTO monitoring.fleet_transitions (service, from_status, "
                        + "to_status, at, detail) VALUES (?, ?, ?, ?, ?)", transition.service(), transition.from(), transition.to(),
                Timestamp.from(transition.at()), transition.detail())) {
            insert.executeUpdate();
        }
    }

    /** The states of these services (those never checked have none). */
    public List<ServiceState> states(List<String> names) {
        return Jdbc.query(dataSource, "SELECT " + STATE_COLUMNS + " FROM monitoring.fleet_services WHERE name = ANY (?)",
                FleetRepository::state, (Object) names.toArray(String[]::new));
    }

    /** The newest transitions of these services first. */
    public List<TransitionRow> transitions(List<String> names, int limit) {
        return Jdbc.query(dataSource, "SELECT service, from_status, to_status, at, detail FROM monitoring.fleet_transitions "
                        + "WHERE service = ANY (?) ORDER BY at DESC, id DESC LIMIT ?",
                row -> new TransitionRow(row.getString(1), row.getString(2), row.getString(3), row.getTimestamp(4).toInstant(),
                        row.getString(5)), names.toArray(String[]::new), limit);
    }

    /**
     * Time in each status from the transitions: each lasts until the next, the last until the service's last check
     * (not now: while no replica polls, nothing is observed). Windows start at {@code day} and {@code week}.
     */
    public List<UptimeRow> uptime(List<String> names, Instant day, Instant week) {
        String seconds = "sum(greatest(0, extract(epoch FROM ends - greatest(at, %s))))";
        return Jdbc.query(dataSource, "WITH spans AS (SELECT t.service, t.to_status, t.at, coalesce(lead(t.at) OVER (PARTITION BY "
                        + "t.service ORDER BY t.at, t.id), s.last_checked_at) AS ends FROM monitoring.fleet_transitions t "
                        + "JOIN monitoring.fleet_services s ON s.name = t.service WHERE t.service = ANY (?)), "
                        + "windows AS (SELECT ?::timestamptz AS day, ?::timestamptz AS week) "
                        + "SELECT service, "
                        + seconds.formatted("day") + " FILTER (WHERE to_status = 'up'), "
                        + seconds.formatted("day") + " FILTER (WHERE to_status <> 'unknown'), "
                        + seconds.formatted("week") + " FILTER (WHERE to_status = 'up'), "
                        + seconds.formatted("week") + " FILTER (WHERE to_status <> 'unknown') "
                        + "FROM spans, windows GROUP BY service",
                row -> new UptimeRow(row.getString(1), number(row, 2), number(row, 3), number(row, 4), number(row, 5)),
                names.toArray(String[]::new), Timestamp.from(day), Timestamp.from(week));
    }

    private static Double number(ResultSet row, int column) throws SQLException {
        double value = row.getDouble(column);
        return row.wasNull() ? null : value;
    }

    private static ServiceState state(ResultSet row) throws SQLException {
        return new ServiceState(row.getString(1), row.getString(2), row.getTimestamp(3).toInstant(), row.getTimestamp(4).toInstant(),
                row.getString(5), row.getInt(6));
    }
}
