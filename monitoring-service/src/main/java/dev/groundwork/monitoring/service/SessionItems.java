package dev.groundwork.monitoring.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.groundwork.monitoring.repository.ReleaseHealthWrites;
import dev.groundwork.monitoring.repository.ReleaseHealthWrites.HealthDelta;
import dev.groundwork.monitoring.repository.ReleaseHealthWrites.HealthKey;
import dev.groundwork.monitoring.repository.ReleaseHealthWrites.SessionState;
import dev.groundwork.monitoring.repository.ReleaseHealthWrites.UserKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Release health from the SDKs' session items, as Sentry's develop docs describe them: an individual {@code session}
 * update ({@code sid}, {@code did}, {@code init}, {@code started}, {@code status}, {@code errors},
 * {@code attrs.release}/{@code environment}) and pre-aggregated {@code sessions} ({@code aggregates: [{started, did,
 * exited, errored, abnormal, crashed}]}, {@code attrs}). Each session counts once, in the hour it started, under its
 * worst outcome; the counters are written per batch, in key order.
 */
@ApplicationScoped
public class SessionItems {

    /** Sentry takes updates of a session for 5 days after it started; older ones are dropped. */
    public static final Duration MAX_SESSION_AGE = Duration.ofDays(5);
    /** How long a session's state is kept to recognise its later updates: beyond the 5 days, with a day's margin. */
    public static final Duration STATE_KEPT = MAX_SESSION_AGE.plusDays(1);
    static final int HEALTHY = 0;
    static final int ERRORED = 1;
    static final int ABNORMAL = 2;
    static final int CRASHED = 3;
    /** Sentry's limits on a release name and an environment; longer ones are not release health. */
    private static final int MAX_RELEASE = 200;
    private static final int MAX_ENVIRONMENT = 64;
    private static final int MAX_SID = 100;
    /** Buckets of one {@code sessions} item counted at most (an SDK sends one per minute it aggregated). */
    private static final int MAX_AGGREGATES = 1000;

    /** What a batch's session items add up to, before it is written. */
    public static final class Batch {
        private final List<Update> sessions = new ArrayList<>();
        private final TreeMap<HealthKey, HealthDelta> deltas = new TreeMap<>();
        private final TreeMap<UserKey, Boolean> users = new TreeMap<>();

        public boolean isEmpty() {
            return sessions.isEmpty() && deltas.isEmpty() && users.isEmpty();
        }
    }

    /** One individual session update: the state it would create, and when it was sent. */
    private record Update(SessionState state, Instant at) {
    }

    @Inject
    ReleaseHealthWrites writes;

    public Batch batch() {
        return new Batch();
    }

    /** Reads a {@code session} or {@code sessions} item into the batch; an item that is not release health is skipped. */
    public void read(Batch batch, long projectId, Instant receivedAt, String type, JsonNode item) {
        JsonNode attributes = item.get("attrs");
        if ("sessions".equals(type)) {
            aggregates(batch, projectId, receivedAt, item, attributes);
        } else {
            session(batch, projectId, receivedAt, item, attributes != null ? attributes : item);
        }
    }

    /** Writes the batch on the transaction's connection: session states in the order of their ids, then the counters. */
    public void store(Connection connection, Batch batch) throws SQLException {
        batch.sessions.sort(Comparator.comparingLong((Update u) -> u.state().projectId()).thenComparing(u -> u.state().sid()));
        for (Update update : batch.sessions) {
            SessionState seen = update.state();
            Optional<SessionState> stored = writes.insertOrLock(connection, seen);
            if (stored.isEmpty()) {
                HealthKey key = key(seen);
                merge(batch, key, new HealthDelta(1, 0, 0, 0, update.at(), update.at()));
                move(batch, key, seen.outcome(), 1, update.at());
                user(batch, key, seen.userKey(), seen.outcome());
                continue;
            }
            SessionState before = stored.get();
            SessionState after = new SessionState(before.projectId(), before.sid(), before.release(), before.environment(), before.hour(),
                    before.userKey() != null ? before.userKey() : seen.userKey(), Math.max(before.outcome(), seen.outcome()));
            HealthKey key = key(before);
            merge(batch, key, new HealthDelta(0, 0, 0, 0, update.at(), update.at()));
            // A worse outcome than before: the session leaves its counter for the other one (it stays one session).
            if (after.outcome() != before.outcome()) {
                move(batch, key, before.outcome(), -1, update.at());
                move(batch, key, after.outcome(), 1, update.at());
            }
            if (!after.equals(before)) {
                writes.updateState(connection, after);
            }
            user(batch, key, after.userKey(), after.outcome());
        }
        batch.sessions.clear();
        if (!batch.deltas.isEmpty()) {
            writes.addCounts(connection, batch.deltas);
        }
        if (!batch.users.isEmpty()) {
            writes.addUsers(connection, batch.users);
        }
    }

    private void session(Batch batch, long projectId, Instant receivedAt, JsonNode session, JsonNode attributes) {
        String sid = text(session, "sid");
        String release = text(attributes, "release");
        String environment = environment(attributes);
        Integer outcome = outcome(text(session, "status"), session.get("errors"));
        Instant started = instant(session.get("started"), receivedAt);
        if (sid == null || sid.length() > MAX_SID || release == null || release.length() > MAX_RELEASE || environment == null
                || outcome == null || started == null) {
            return;
        }
        Instant at = instant(session.get("timestamp"), receivedAt);
        at = at == null || at.isBefore(started) ? started : at;
        batch.sessions.add(new Update(new SessionState(projectId, sid, release, environment, hour(started), userKey(session.get("did")),
                outcome), at));
    }

    /** Sentry's pre-aggregated sessions: per bucket, how many ended exited, errored, abnormal or crashed. */
    private void aggregates(Batch batch, long projectId, Instant receivedAt, JsonNode item, JsonNode attributes) {
        JsonNode aggregates = item.get("aggregates");
        String release = attributes == null ? null : text(attributes, "release");
        String environment = attributes == null ? "" : environment(attributes);
        if (aggregates == null || !aggregates.isArray() || release == null || release.length() > MAX_RELEASE || environment == null) {
            return;
        }
        for (int i = 0; i < Math.min(aggregates.size(), MAX_AGGREGATES); i++) {
            JsonNode bucket = aggregates.get(i);
            Instant started = instant(bucket.get("started"), receivedAt);
            if (started == null) {
                continue;
            }
            long exited = count(bucket, "exited");
            // "unhandled" (a newer status: an unhandled error that did not end the session) is errored here.
            long errored = count(bucket, "errored") + count(bucket, "unhandled");
            long abnormal = count(bucket, "abnormal");
            long crashed = count(bucket, "crashed");
            long total = exited + errored + abnormal + crashed;
            if (total == 0) {
                continue;
            }
            HealthKey key = new HealthKey(projectId, release, environment, hour(started));
            merge(batch, key, new HealthDelta(total, errored, abnormal, crashed, started, started));
            user(batch, key, userKey(bucket.get("did")), crashed > 0 ? CRASHED : HEALTHY);
        }
    }

    /** A session's outcome from its status and error count; null for a status that is not Sentry's. */
    static Integer outcome(String status, JsonNode errors) {
        boolean hadErrors = errors != null && errors.canConvertToLong() && errors.asLong() > 0;
        return switch (status == null ? "ok" : status) {
            case "crashed" -> CRASHED;
            case "abnormal" -> ABNORMAL;
            case "errored", "unhandled" -> ERRORED;
            case "ok", "exited" -> hadErrors ? ERRORED : HEALTHY;
            default -> null;
        };
    }

    /** Adds {@code amount} sessions (-1: one leaves) to the counter of the outcome; healthy has none of its own. */
    private static void move(Batch batch, HealthKey key, int outcome, long amount, Instant at) {
        if (outcome != HEALTHY) {
            merge(batch, key, new HealthDelta(0, outcome == ERRORED ? amount : 0, outcome == ABNORMAL ? amount : 0,
                    outcome == CRASHED ? amount : 0, at, at));
        }
    }

    private static void merge(Batch batch, HealthKey key, HealthDelta delta) {
        batch.deltas.merge(key, delta, (a, b) -> new HealthDelta(a.sessions() + b.sessions(), a.errored() + b.errored(),
                a.abnormal() + b.abnormal(), a.crashed() + b.crashed(), a.firstSeen().isBefore(b.firstSeen()) ? a.firstSeen() : b.firstSeen(),
                a.lastSeen().isAfter(b.lastSeen()) ? a.lastSeen() : b.lastSeen()));
    }

    private static void user(Batch batch, HealthKey key, String userKey, int outcome) {
        if (userKey != null) {
            batch.users.merge(new UserKey(key, userKey), outcome == CRASHED, Boolean::logicalOr);
        }
    }

    private static HealthKey key(SessionState session) {
        return new HealthKey(session.projectId(), session.release(), session.environment(), session.hour());
    }

    /** The environment ('' when none), or null when it is too long to be one. */
    private static String environment(JsonNode attributes) {
        String environment = text(attributes, "environment");
        return environment == null ? "" : environment.length() > MAX_ENVIRONMENT ? null : environment;
    }

    /** The distinct id (a user id, e-mail or device id), hashed like an event's user: counted, never shown. */
    private static String userKey(JsonNode did) {
        if (did == null || !(did.isTextual() || did.isNumber()) || did.asText().isBlank()) {
            return null;
        }
        return "did:" + EventFacts.sha256(did.asText()).substring(0, 32);
    }

    /**
     * A time as the SDKs send it (ISO 8601, or epoch seconds), no later than its receipt; null when it is missing,
     * unreadable or older than Sentry takes session updates.
     */
    private static Instant instant(JsonNode value, Instant receivedAt) {
        Instant at;
        try {
            at = value == null ? null : value.isNumber() ? Instant.ofEpochMilli((long) (value.asDouble() * 1000))
                    : value.isTextual() ? Instant.parse(value.asText()) : null;
        } catch (DateTimeParseException | ArithmeticException e) {
            return null;
        }
        if (at == null || at.isBefore(receivedAt.minus(MAX_SESSION_AGE))) {
            return null;
        }
        return at.isAfter(receivedAt) ? receivedAt : at;
    }

    private static long count(JsonNode bucket, String field) {
        JsonNode value = bucket.get(field);
        return value != null && value.canConvertToLong() && value.asLong() > 0 ? Math.min(value.asLong(), Integer.MAX_VALUE) : 0;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    private static Instant hour(Instant at) {
        return at.truncatedTo(ChronoUnit.HOURS);
    }
}
