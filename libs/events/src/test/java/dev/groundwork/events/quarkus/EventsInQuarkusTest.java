package dev.groundwork.events.quarkus;

import dev.groundwork.infra.RedisUrl;
import dev.groundwork.testsupport.RealInfrastructure;
import dev.groundwork.testsupport.RedisConnection;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionalException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The library inside a Quarkus service: JTA publishing, a Panache consumer, metrics and the dead-letter endpoint. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class EventsInQuarkusTest {

    @Inject
    Events events;
    @Inject
    DepositTotals totals;
    @Inject
    AgroalDataSource dataSource;
    @ConfigProperty(name = "quarkus.redis.hosts")
    String redisUrl;

    @Test
    void anEventPublishedInARequestTransactionReachesThePanacheConsumerWithTheRequestId() throws Exception {
        given().header("X-Request-Id", "req-deposit-1").queryParam("amount", 25)
                .post("/ledger/alice/deposits").then().statusCode(200);
        given().queryParam("amount", 5).post("/ledger/alice/deposits").then().statusCode(200);

        awaitValue(() -> query("SELECT coalesce(sum(total), 0) FROM ledger.deposit_total WHERE account_id = 'alice'"), "30");
        assertEquals("30", query("SELECT balance FROM ledger.account WHERE id = 'alice'"));
        assertEquals("2", query("SELECT count(*) FROM ledger.event_processed WHERE consumer = 'ledger-service'"));
        assertEquals("req-deposit-1", query("SELECT envelope::jsonb ->> 'requestid' FROM ledger.event_outbox ORDER BY id LIMIT 1"),
                "the request id travels in the event");
    }

    @Test
    void aRolledBackTransactionLeavesNoEvent() throws Exception {
        given().queryParam("amount", 7).queryParam("failAfterPublish", true)
                .post("/ledger/bob/deposits").then().statusCode(500);
        assertEquals("0", query("SELECT count(*) FROM ledger.event_outbox WHERE subject = 'bob'"));
        assertEquals("0", query("SELECT count(*) FROM ledger.account WHERE id = 'bob'"));
    }

    @Test
    void publishingOutsideATransactionIsRefused() {
        assertThrows(TransactionalException.class, () -> events.publish(LedgerResource.DEPOSIT_MADE, "carol",
                new LedgerResource.DepositMade("carol", 1, null)));
    }

    @Test
    @TestSecurity(user = "ops", roles = "admin")
    void aFailingEventIsDeadLetteredListedAndReplayedThroughTheAdminEndpoint() throws Exception {
        totals.rejectNegative(true);
        given().queryParam("amount", -3).queryParam("email", "dave.doe@example.com")
                .post("/ledger/dave/deposits").then().statusCode(200);
        ValidatableResponse listed = awaitDeadLetters(1);
        listed.body("group", equalTo("ledger-service"))
                .body("stream", equalTo("events:dead:ledger-service"))
                .body("items[0].type", equalTo(LedgerResource.DEPOSIT_MADE))
                .body("items[0].deliveries", equalTo(2))
                .body("items[0].error", containsString("negative deposit -3 on dave of d***@example.com"))
                .body("items[0].error", not(containsString("dave.doe")))
                .body("items[0].event", containsString("\"ownerEmail\":\"d***@example.com\""))
                .body("items[0].event", containsString("\"account\":\"dave\""))
                .body("items[0].event", not(containsString("dave.doe")));
        String id = listed.extract().path("items[0].id");
        assertTrue(deadLetterStream().contains("dave.doe@example.com"), "the stored dead letter keeps the whole event");

        given().post("/admin/events/dead-letters/" + id + "/replay").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("negative deposit"))
                .body("detail", not(containsString("dave.doe")));
        totals.rejectNegative(false);
        given().post("/admin/events/dead-letters/" + id + "/replay").then().statusCode(200)
                .body("outcome", equalTo("applied"));
        assertEquals("-3", query("SELECT total FROM ledger.deposit_total WHERE account_id = 'dave'"));
        assertEquals("dave.doe@example.com", totals.lastOwnerEmail(), "the replay ran the stored event, unmasked");
        given().get("/admin/events/dead-letters").then().statusCode(200).body("items", hasSize(0));
        given().post("/admin/events/dead-letters/" + id + "/replay").then().statusCode(404)
                .contentType("application/problem+json");
        given().post("/admin/events/dead-letters/not-an-id/replay").then().statusCode(400);
        given().queryParam("limit", 0).get("/admin/events/dead-letters").then().statusCode(400);
    }

    @Test
    void deadLettersNeedALogin() {
        given().get("/admin/events/dead-letters").then().statusCode(401);
        given().post("/admin/events/dead-letters/1700000000000-0/replay").then().statusCode(401);
    }

    @Test
    @TestSecurity(user = "someone", roles = "user")
    void deadLettersAreForAdminsOnly() {
        given().get("/admin/events/dead-letters").then().statusCode(403);
        given().post("/admin/events/dead-letters/1700000000000-0/replay").then().statusCode(403);
    }

    @Test
    void theBackboneReportsOnMetrics() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String series : new String[]{"groundwork_events_outbox_backlog{stream=\"events:ledger\"}",
                "groundwork_events_publish_lag_seconds{stream=\"events:ledger\"}",
                "groundwork_events_published_total{stream=\"events:ledger\"}",
                "groundwork_events_consumer_pending{group=\"ledger-service\",stream=\"events:ledger\"}",
                "groundwork_events_consumer_lag{group=\"ledger-service\",stream=\"events:ledger\"}",
                "groundwork_events_handler_failures_total{group=\"ledger-service\",type=\"" + LedgerResource.DEPOSIT_MADE + "\"}",
                "groundwork_events_dead_lettered_total{group=\"ledger-service\",reason=\"failed\"}",
                "groundwork_events_dead_lettered_total{group=\"ledger-service\",reason=\"malformed\"}"}) {
            assertTrue(metrics.contains(series), series + " on /q/metrics");
        }
    }

    private ValidatableResponse awaitDeadLetters(int count) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> given().get("/admin/events/dead-letters").then().statusCode(200),
                        response -> response.extract().<Integer>path("total") >= count);
    }

    /** Every field of every entry on the dead-letter stream, read behind the endpoint's back. */
    private String deadLetterStream() throws IOException {
        try (RedisConnection redis = RedisConnection.open(RedisUrl.parse(redisUrl))) {
            return redis.call("XRANGE", "events:dead:ledger-service", "-", "+");
        }
    }

    private void awaitValue(Callable<String> value, String expected) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(value, equalTo(expected));
    }

    private String query(String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            return result.next() ? result.getString(1) : null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
