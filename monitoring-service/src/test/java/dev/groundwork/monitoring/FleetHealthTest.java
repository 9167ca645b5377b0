package dev.groundwork.monitoring;

import dev.groundwork.monitoring.repository.FleetRepository;
import dev.groundwork.monitoring.service.FleetHealth;
import dev.groundwork.monitoring.service.ServiceHealthChanged;
import dev.groundwork.testsupport.ManagementInterface;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static dev.groundwork.monitoring.Rows.count;
import static dev.groundwork.monitoring.AuthStub.adminToken;
import static dev.groundwork.monitoring.AuthStub.serviceToken;
import static dev.groundwork.monitoring.AuthStub.userToken;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fleet health against a real HTTP server standing in for a service's readiness ({@link ReadinessStub}), switched
 * between 200, 503 and closed, and a second service nothing ever listens for: states, transitions, uptime, the
 * outbox's events and the CDI event, the gauge, the API and who may read it, and one poller at a time.
 */
@QuarkusTest
@TestProfile(FleetHealthTest.Polled.class)
class FleetHealthTest {

    static final String API = "/monitoring/api/0/fleet/";
    static final String SERVICE = "stub-" + letters();
    static final String GONE = "gone-" + letters();
    static final ReadinessStub STUB = new ReadinessStub();
    static final String GONE_URL = "http://127.0.0.1:" + ReadinessStub.freePort() + "/q/health/ready";

    /** Polled every second; two failed probes make a service down. */
    public static class Polled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("monitoring.fleet.services", SERVICE + "=" + STUB.url() + "," + GONE + "=" + GONE_URL,
                    "monitoring.fleet.interval", "1S",
                    "monitoring.fleet.timeout", "1S",
                    "monitoring.fleet.failure-threshold", "2");
        }
    }

    @Inject
    AgroalDataSource dataSource;
    @Inject
    HealthChanges changes;
    @Inject
    FleetRepository repository;

    @AfterAll
    static void stopStub() {
        STUB.close();
    }

    @Test
    void aServiceComesUpGoesDownAfterTheThresholdAndComesBack() {
        STUB.answer(200);
        JsonPath up = awaitStatus(SERVICE, "up");
        assertEquals("HTTP 200", up.getString(service(SERVICE) + ".detail"));
        assertNotNull(Instant.parse(up.getString(service(SERVICE) + ".since")));
        assertNotNull(Instant.parse(up.getString(service(SERVICE) + ".lastCheckedAt")));
        assertEquals("1.0", gauge(SERVICE));

        // Closed: connection refused, down only after the second failed probe.
        STUB.close();
        JsonPath refused = awaitStatus(SERVICE, "down");
        assertEquals("connection refused", refused.getString(service(SERVICE) + ".detail"));

        STUB.answer(200);
        awaitStatus(SERVICE, "up");

        // 503: the failing readiness checks are named (never their data); one failed probe is not enough.
        int before = STUB.notReadyAnswers();
        STUB.answer(503);
        JsonPath notReady = awaitStatus(SERVICE, "down");
        assertTrue(STUB.notReadyAnswers() - before >= 2, "down after " + (STUB.notReadyAnswers() - before) + " failed probe(s)");
        assertEquals("HTTP 503: " + ReadinessStub.DOWN_CHECK + " down", notReady.getString(service(SERVICE) + ".detail"));
        assertEquals("0.0", gauge(SERVICE));

        STUB.answer(200);
        JsonPath back = awaitStatus(SERVICE, "up");

        List<String> expected = List.of("unknown>up", "up>down", "down>up", "up>down", "down>up");
        List<Map<String, Object>> transitions = back.getList("transitions.findAll { it.service == '" + SERVICE + "' }");
        List<String> newestFirst = new ArrayList<>(expected);
        java.util.Collections.reverse(newestFirst);
        assertEquals(newestFirst, transitions.stream().map(t -> t.get("from") + ">" + t.get("to")).toList());
        assertEquals("connection refused", transitions.get(3).get("detail"));
        assertEquals(back.getString(service(SERVICE) + ".since"), transitions.get(0).get("at"), "since: the last transition");

        // Uptime: observed, with some downtime.
        double day = back.getDouble(service(SERVICE) + ".uptime.24h");
        double week = back.getDouble(service(SERVICE) + ".uptime.7d");
        assertTrue(day > 0 && day < 100, "24h uptime " + day);
        assertEquals(day, week, 0.01, "everything observed lies in both windows");

        // The outbox got one event per transition, in order, without the service's URL.
        List<JsonPath> events = outbox(SERVICE);
        assertEquals(expected, events.stream().map(e -> e.getString("data.previous") + ">" + e.getString("data.status")).toList());
        assertEquals("dev.groundwork.monitoring.service.health.changed.v1", events.get(0).getString("type"));
        assertEquals(SERVICE, events.get(0).getString("subject"));
        assertEquals(SERVICE, events.get(0).getString("data.service"));
        assertNotNull(Instant.parse(events.get(1).getString("data.at")));
        for (JsonPath event : events) {
            assertFalse(event.prettify().contains("127.0.0.1") || event.prettify().contains("secret"), event.prettify());
        }

        // And the CDI event, once committed, for alert rules.
        assertEquals(expected, changes.of(SERVICE).stream().map(c -> c.previous() + ">" + c.status()).toList());
        ServiceHealthChanged down = changes.of(SERVICE).get(3);
        assertEquals("HTTP 503: " + ReadinessStub.DOWN_CHECK + " down", down.detail());
        assertEquals(1, count("SELECT count(*) FROM monitoring.fleet_transitions WHERE service = ? AND to_status = 'down' AND at = ?",
                SERVICE, Timestamp.from(down.at())), "the event says when the stored transition happened");
    }

    @Test
    void aServiceThatNeverAnswersGoesFromUnknownToDownWithNoUptime() {
        JsonPath fleet = awaitStatus(GONE, "down");
        assertEquals("connection refused", fleet.getString(service(GONE) + ".detail"));
        assertEquals(0.0, fleet.getDouble(service(GONE) + ".uptime.24h"));
        assertEquals(List.of("unknown>down"), changes.of(GONE).stream().map(c -> c.previous() + ">" + c.status()).toList());
        // Names come in the configured order.
        assertEquals(List.of(SERVICE, GONE), fleet.getList("services.name"));
    }

    @Test
    void onlyAnAdminReadsFleetHealth() {
        given().get(API).then().statusCode(401);
        given().auth().oauth2(userToken()).get(API).then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("admin"));
        given().auth().oauth2(serviceToken("monitoring:alpha")).get(API).then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(adminToken()).get(API).then().statusCode(200).contentType("application/json");
    }

    /** Uptime from transitions: time in "up" over time observed, each status lasting until the next or the last check. */
    @Test
    void uptimeIsTimeUpOverTimeObservedInEachWindow() throws SQLException {
        String name = "seeded-" + letters();
        Instant now = Instant.now();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            insert(connection, "INSERT INTO monitoring.fleet_services (name, status, since, last_checked_at, detail) VALUES (?, 'up', ?, ?, 'HTTP 200')",
                    name, Timestamp.from(now.minus(Duration.ofHours(6))), Timestamp.from(now));
            // Up for days, down from 12 h ago to 6 h ago: 24 h → 75 %, 7 d → (168 - 6) / 168.
            for (Object[] t : new Object[][] {{"unknown", "up", Duration.ofDays(10)}, {"up", "down", Duration.ofHours(12)},
                    {"down", "up", Duration.ofHours(6)}}) {
                insert(connection, "INSERT INTO monitoring.fleet_transitions (service, from_status, to_status, at) VALUES (?, ?, ?, ?)",
                        name, t[0], t[1], Timestamp.from(now.minus((Duration) t[2])));
            }
        }
        FleetRepository.UptimeRow row = repository.uptime(List.of(name), now.minus(Duration.ofHours(24)), now.minus(Duration.ofDays(7))).get(0);
        assertEquals(75.0, FleetHealth.percent(row.upDay(), row.observedDay()));
        assertEquals(96.42, FleetHealth.percent(row.upWeek(), row.observedWeek()), "rounded down: 96.428…");
        assertEquals(24 * 3600.0, row.observedDay(), 1.0);
    }

    /** Several replicas: whoever holds the advisory lock polls, the others skip; nothing is checked while it is held. */
    @Test
    void noReplicaPollsWhileAnotherHoldsTheLock() throws Exception {
        STUB.answer(200);
        awaitStatus(SERVICE, "up");
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (Statement lock = other.createStatement()) {
                lock.execute("SELECT pg_advisory_xact_lock(hashtext('monitoring.fleet-health'))");
            }
            Instant held = lastChecked(SERVICE);
            Thread.sleep(3000); // three intervals
            assertEquals(held, lastChecked(SERVICE), "a poll ran while another replica held the lock");
            other.rollback();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> lastChecked(SERVICE).isAfter(Instant.now().minusSeconds(2)));
    }

    private JsonPath awaitStatus(String name, String status) {
        Supplier<JsonPath> read = () -> given().auth().oauth2(adminToken()).get(API).then().statusCode(200).extract().jsonPath();
        await(name + " " + status).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> status.equals(read.get().getString(service(name) + ".status")));
        // The gauge follows within the same scheduled run.
        await().atMost(Duration.ofSeconds(5)).until(() -> ("up".equals(status) ? "1.0" : "0.0").equals(gauge(name)));
        return read.get();
    }

    private static String service(String name) {
        return "services.find { it.name == '" + name + "' }";
    }

    private static String gauge(String name) {
        String metrics = ManagementInterface.given().get("/q/metrics").then().statusCode(200).extract().asString();
        String prefix = FleetHealth.METRIC + "{service=\"" + name + "\"} ";
        return metrics.lines().filter(line -> line.startsWith(prefix)).map(line -> line.substring(prefix.length())).findFirst().orElse("");
    }

    private List<JsonPath> outbox(String subject) {
        List<JsonPath> events = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT envelope FROM monitoring.event_outbox WHERE type = 'dev.groundwork.monitoring.service.health.changed.v1' "
                        + "AND subject = ? ORDER BY id")) {
            select.setString(1, subject);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    events.add(JsonPath.from(rows.getString(1)));
                }
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return events;
    }

    private Instant lastChecked(String name) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT last_checked_at FROM monitoring.fleet_services WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getTimestamp(1).toInstant();
            }
        }
    }


    private static void insert(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }

    private static String letters() {
        return new SecureRandom().ints(8, 'a', 'z' + 1).mapToObj(c -> String.valueOf((char) c)).collect(Collectors.joining());
    }
}
