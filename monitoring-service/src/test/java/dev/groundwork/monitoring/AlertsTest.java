package dev.groundwork.monitoring;

import dev.groundwork.monitoring.AlertReceiver.Answer;
import dev.groundwork.monitoring.AlertReceiver.Received;
import dev.groundwork.monitoring.service.ServiceHealthChanged;
import dev.groundwork.monitoring.service.alerts.SpikeEvaluator;
import dev.groundwork.testsupport.CapturedLog;
import dev.groundwork.testsupport.ManagementInterface;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.groundwork.monitoring.AlertReceiver.SECRET;
import static dev.groundwork.monitoring.AuthStub.adminToken;
import static dev.groundwork.monitoring.Envelopes.await;
import static dev.groundwork.monitoring.Envelopes.errorEvent;
import static dev.groundwork.monitoring.Envelopes.event;
import static dev.groundwork.monitoring.Envelopes.newId;
import static dev.groundwork.monitoring.Envelopes.send;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Alert rules posting to a real local webhook receiver (AlertReceiver): new issue, regression, spike and service down
 * fire once, throttled; failed deliveries are tried again with backoff, Retry-After honoured, and given up after the
 * last attempt, all recorded; the webhook URL (a secret) never shows in a log, an API answer or the metrics.
 */
@QuarkusTest
class AlertsTest {

    static final String API = "/monitoring/api/0/alerts";

    @Inject
    AgroalDataSource dataSource;
    @Inject
    SpikeEvaluator spikes;
    @Inject
    Event<ServiceHealthChanged> health;

    /** Sends an error event of this type (one issue per type) and waits until it is stored; returns its issue id. */
    long sendAndWait(int projectId, String key, String type) {
        String id = newId();
        send(projectId, key, event(id, errorEvent(type, "boom", "checkout"))).statusCode(200);
        await("event " + id + " stored", () -> count("SELECT count(*) FROM monitoring.events WHERE event_id = ?::uuid", id) == 1);
        return count("SELECT issue_id FROM monitoring.events WHERE event_id = ?::uuid", id);
    }

    long deliveries(String rule, long issueId) {
        return count("SELECT count(*) FROM monitoring.alert_deliveries WHERE rule = ? AND issue_id = ?", rule, issueId);
    }

    /** The delivery of the rule for the issue, as the API shows it; there must be one. */
    JsonPath delivery(String rule, long issueId) {
        JsonPath all = given().auth().oauth2(adminToken()).queryParam("rule", rule).queryParam("limit", 100)
                .get(API + "/deliveries/").then().statusCode(200).extract().jsonPath();
        String which = "{ it.issueId == '" + issueId + "' }";
        assertEquals(1, all.getList("findAll " + which).size(), "deliveries of " + rule + " for issue " + issueId + ": " + all.prettify());
        return all.setRootPath("find " + which);
    }

    @Test
    void aNewIssueFiresOnceWithSlackCompatibleJson() {
        String type = "AlertNewError" + IssuesApi.runId();
        long issue = sendAndWait(AlertReceiver.ALERTS_ID, AlertReceiver.ALERTS_KEY, type);
        await("the new-issue alert received", () -> AlertReceiver.received("newissue", type).size() == 1);

        Received received = AlertReceiver.received("newissue", type).get(0);
        assertEquals(List.of("application/json"), received.headers().get("Content-type"));
        JsonPath body = JsonPath.from(received.body());
        String link = "http://localhost:8080/monitoring/#/issues/" + issue;
        assertEquals("[alerts] New issue: <" + link + "|" + type + ": boom>", body.getString("text"));
        assertEquals(type + ": boom", body.getString("attachments[0].title"));
        assertEquals(link, body.getString("attachments[0].title_link"));
        assertEquals("alerts", body.getString("attachments[0].fields.find { it.title == 'Project' }.value"));
        assertEquals("error", body.getString("attachments[0].fields.find { it.title == 'Level' }.value"));
        assertEquals("test", body.getString("attachments[0].fields.find { it.title == 'Environment' }.value"));
        assertEquals("shop@1.0", body.getString("attachments[0].fields.find { it.title == 'Release' }.value"));
        assertEquals("1", body.getString("attachments[0].fields.find { it.title == 'Events' }.value"));
        assertEquals("newissue", body.getString("groundwork.facts.rule"));
        assertEquals("new-issue", body.getString("groundwork.facts.trigger"));
        assertEquals(issue, body.getLong("groundwork.facts.issueId"));
        assertEquals(link, body.getString("groundwork.url"));

        // More events of the issue are not a new issue: nothing more is recorded or sent.
        sendAndWait(AlertReceiver.ALERTS_ID, AlertReceiver.ALERTS_KEY, type);
        assertEquals(1, deliveries("newissue", issue));
        await("delivered", () -> "delivered".equals(status("newissue", issue)));
        assertEquals(1, AlertReceiver.received("newissue", type).size());
        JsonPath delivery = delivery("newissue", issue);
        assertEquals("new-issue", delivery.getString("trigger"));
        assertEquals(1, delivery.getInt("attempts"));
        assertEquals(200, delivery.getInt("lastStatus"));
        assertEquals("alerts", delivery.getString("project"));
        assertNotNull(delivery.getString("deliveredAt"));
    }

    @Test
    void aRegressionFiresOnceWithinTheThrottle() {
        String type = "AlertRegressionError" + IssuesApi.runId();
        long issue = sendAndWait(AlertReceiver.ALERTS_ID, AlertReceiver.ALERTS_KEY, type);
        assertEquals(0, deliveries("regressed", issue), "a new issue is no regression");

        resolve(issue);
        sendAndWait(AlertReceiver.ALERTS_ID, AlertReceiver.ALERTS_KEY, type);
        await("the regression alert received", () -> AlertReceiver.received("regressed", type).size() == 1);
        JsonPath body = JsonPath.from(AlertReceiver.received("regressed", type).get(0).body());
        assertTrue(body.getString("text").startsWith("[alerts] Regression: <http://localhost:8080/monitoring/#/issues/" + issue + "|"),
                body.getString("text"));
        assertEquals("2", body.getString("attachments[0].fields.find { it.title == 'Events' }.value"));

        // Regressed again within the 30 minutes: the issue reopens, and the rule stays quiet.
        resolve(issue);
        sendAndWait(AlertReceiver.ALERTS_ID, AlertReceiver.ALERTS_KEY, type);
        given().auth().oauth2(adminToken()).get("/monitoring/api/0/issues/" + issue + "/").then().body("status", equalTo("unresolved"));
        assertEquals(1, deliveries("regressed", issue));
        await("delivered", () -> "delivered".equals(status("regressed", issue)));
        assertEquals(1, AlertReceiver.received("regressed", type).size());
    }

    @Test
    void aSpikeFiresOnceWithinTheThrottle() {
        String type = "AlertSpikeError" + IssuesApi.runId();
        String calm = "AlertCalmError" + IssuesApi.runId();
        long issue = sendAndWait(AlertReceiver.SPIKY_ID, AlertReceiver.SPIKY_KEY, type);
        long calmIssue = sendAndWait(AlertReceiver.SPIKY_ID, AlertReceiver.SPIKY_KEY, calm);
        sendAndWait(AlertReceiver.SPIKY_ID, AlertReceiver.SPIKY_KEY, type);
        sendAndWait(AlertReceiver.SPIKY_ID, AlertReceiver.SPIKY_KEY, calm);
        spikes.evaluate();
        assertEquals(0, deliveries("spike", issue), "2 events are no spike of 3");

        sendAndWait(AlertReceiver.SPIKY_ID, AlertReceiver.SPIKY_KEY, type);
        spikes.evaluate();
        assertEquals(1, deliveries("spike", issue));
        await("the spike alert received", () -> AlertReceiver.received("spike", type).size() == 1);
        JsonPath body = JsonPath.from(AlertReceiver.received("spike", type).get(0).body());
        assertTrue(body.getString("text").startsWith("[spiky] Spike, 3 events in 5 min: <"), body.getString("text"));
        assertEquals(5, body.getInt("groundwork.facts.windowMinutes"));

        // Still spiking, within the throttle: nothing more (the scheduled check runs every second as well).
        for (int i = 0; i < 3; i++) {
            sendAndWait(AlertReceiver.SPIKY_ID, AlertReceiver.SPIKY_KEY, type);
        }
        spikes.evaluate();
        assertEquals(1, deliveries("spike", issue));
        assertEquals(0, deliveries("spike", calmIssue));
        assertEquals(0, count("SELECT count(*) FROM monitoring.alert_deliveries WHERE rule = 'newissue' AND issue_id = ?", issue),
                "the new-issue rule watches another project");
    }

    @Test
    void aServiceGoingDownFiresOnceWithinTheThrottle() {
        String service = "payment-service-" + IssuesApi.runId();
        health.fire(new ServiceHealthChanged(service, ServiceHealthChanged.DOWN, ServiceHealthChanged.UP, Instant.now(), "HTTP 503"));
        await("the service-down alert received", () -> AlertReceiver.received("fleet", service).size() == 1);
        JsonPath body = JsonPath.from(AlertReceiver.received("fleet", service).get(0).body());
        assertEquals("Service " + service + " is down (HTTP 503): <http://localhost:8080/monitoring/#/fleet|fleet health>", body.getString("text"));
        assertEquals("service-down", body.getString("groundwork.facts.trigger"));
        assertEquals(service, body.getString("groundwork.facts.service"));

        // Back up (no alert), down again within the throttle (none either).
        health.fire(new ServiceHealthChanged(service, ServiceHealthChanged.UP, ServiceHealthChanged.DOWN, Instant.now(), "HTTP 200"));
        health.fire(new ServiceHealthChanged(service, ServiceHealthChanged.DOWN, ServiceHealthChanged.UP, Instant.now(), "connection refused"));
        assertEquals(1, count("SELECT count(*) FROM monitoring.alert_deliveries WHERE rule = 'fleet' AND service = ?", service));
        await("delivered", () -> count("SELECT count(*) FROM monitoring.alert_deliveries WHERE rule = 'fleet' AND service = ? "
                + "AND status = 'delivered'", service) == 1);
        assertEquals(1, AlertReceiver.received("fleet", service).size());
    }

    @Test
    void aFailingReceiverGetsTheAlertOnTheThirdAttemptAfterRetryAfter() {
        AlertReceiver.script("flaky", new Answer(429, "1", "rate_limited"), new Answer(503, null, "busy"));
        String type = "AlertFlakyError" + IssuesApi.runId();
        try (CapturedLog log = CapturedLog.start()) {
            long issue = sendAndWait(AlertReceiver.FLAKY_ID, AlertReceiver.FLAKY_KEY, type);
            await("delivered", () -> "delivered".equals(status("flaky", issue)));
            List<Received> attempts = AlertReceiver.received("flaky", type);
            assertEquals(3, attempts.size());
            assertTrue(Duration.between(attempts.get(0).at(), attempts.get(1).at()).toMillis() >= 900,
                    "Retry-After: 1 honoured: " + attempts.get(0).at() + " then " + attempts.get(1).at());
            String deliveryId = attempts.get(0).headers().get("X-groundwork-delivery").get(0);
            assertTrue(attempts.stream().allMatch(a -> a.headers().get("X-groundwork-delivery").equals(List.of(deliveryId))),
                    "one delivery id across its attempts, for the receiver to tell retries apart");
            JsonPath delivery = delivery("flaky", issue);
            assertEquals(3, delivery.getInt("attempts"));
            assertEquals(200, delivery.getInt("lastStatus"));
            assertEquals("delivered", delivery.getString("status"));
            assertFalse(log.text().contains(SECRET), log.text());
        }
    }

    @Test
    void aReceiverThatAlwaysFailsIsGivenUpAfterTheLastAttempt() {
        String type = "AlertBrokenError" + IssuesApi.runId();
        String goneType = "AlertGoneError" + IssuesApi.runId();
        try (CapturedLog log = CapturedLog.start()) {
            long issue = sendAndWait(AlertReceiver.BROKEN_ID, AlertReceiver.BROKEN_KEY, type);
            long gone = sendAndWait(AlertReceiver.GONE_ID, AlertReceiver.GONE_KEY, goneType);
            await("given up", () -> "failed".equals(status("broken", issue)));
            assertEquals(AlertReceiver.MAX_ATTEMPTS, AlertReceiver.received("broken", type).size());
            JsonPath delivery = delivery("broken", issue);
            assertEquals(AlertReceiver.MAX_ATTEMPTS, delivery.getInt("attempts"));
            assertEquals(500, delivery.getInt("lastStatus"));
            // The receiver's answer is kept, the webhook's path taken out of it.
            assertEquals("HTTP 500: internal error at /***", delivery.getString("lastError"));
            assertEquals("http://127.0.0.1:" + AlertReceiver.port() + "/***", delivery.getString("webhook"));

            // A 404 says the webhook is gone: trying again cannot help.
            await("given up", () -> "failed".equals(status("gone", gone)));
            assertEquals(1, AlertReceiver.received("gone", goneType).size());
            assertEquals("HTTP 404: no_service", delivery("gone", gone).getString("lastError"));

            String metrics = ManagementInterface.given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(metrics.contains("monitoring_alert_deliveries_failed_total{rule=\"broken\"}"), metrics);
            assertTrue(metrics.contains("monitoring_alert_attempts_failed_total{rule=\"broken\"}"), metrics);
            assertFalse(metrics.contains(SECRET));
            String text = log.text();
            assertTrue(text.contains("given up"), text);
            assertFalse(text.contains(SECRET), text);
        }
    }

    @Test
    void onlyAdminsSeeRulesAndDeliveriesWithTheWebhookMasked() {
        String rules = given().auth().oauth2(adminToken()).get(API + "/rules/").then().statusCode(200)
                .body("find { it.name == 'spike' }.trigger", equalTo("spike"))
                .body("find { it.name == 'spike' }.spikeEvents", equalTo(3))
                .body("find { it.name == 'spike' }.throttleSeconds", equalTo(1800))
                .body("find { it.name == 'fleet' }.project", equalTo(null))
                .body("find { it.name == 'newissue' }.webhook", equalTo("http://127.0.0.1:" + AlertReceiver.port() + "/***"))
                .extract().asString();
        assertFalse(rules.contains(SECRET), rules);
        String deliveries = given().auth().oauth2(adminToken()).queryParam("limit", 100).get(API + "/deliveries/").then().statusCode(200)
                .extract().asString();
        assertFalse(deliveries.contains(SECRET), deliveries);

        given().get(API + "/rules/").then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(AuthStub.serviceToken("monitoring:alerts")).get(API + "/deliveries/").then().statusCode(403)
                .contentType("application/problem+json");
        given().auth().oauth2(AuthStub.userToken()).get(API + "/rules/").then().statusCode(403);
        given().auth().oauth2(adminToken()).queryParam("status", "lost").get(API + "/deliveries/").then().statusCode(400)
                .contentType("application/problem+json");
        given().auth().oauth2(adminToken()).queryParam("cursor", "nonsense").get(API + "/deliveries/").then().statusCode(400);
        given().auth().oauth2(adminToken()).queryParam("status", "delivered").queryParam("limit", 1).get(API + "/deliveries/").then()
                .statusCode(200);
    }

    private void resolve(long issue) {
        given().auth().oauth2(adminToken()).contentType(ContentType.JSON).body(Map.of("status", "resolved"))
                .put("/monitoring/api/0/issues/" + issue + "/").then().statusCode(200);
    }

    private String status(String rule, long issueId) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
                "SELECT status FROM monitoring.alert_deliveries WHERE rule = ? AND issue_id = ?")) {
            statement.setString(1, rule);
            statement.setLong(2, issueId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    long count(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getLong(1) : -1;
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
