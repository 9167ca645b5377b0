package dev.groundwork.payment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.groundwork.payment.stripe.StripeObjects;
import dev.groundwork.payment.stripe.StripeStub;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A webhook that never arrived is repaired from Stripe's event list; a change with no event at all, by the sweep. */
@QuarkusTest
class ReconciliationTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aLostWebhookIsFoundInTheEventListAndAChangeWithoutEventsByTheSweep() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String subscription = "sub_lost_" + run;
        String lost = "evt_lost_" + run;
        long now = System.currentTimeMillis() / 1000;
        var stripe = StripeStub.server();
        stripe.stubFor(get("/v1/subscriptions/" + subscription).willReturn(okJson(StripeObjects.json(
                StripeObjects.subscription(subscription, "cus_lost", "active", StripeObjects.PRO_PRICE, now + 86_400, false)))));
        ObjectNode list = StripeObjects.JSON.createObjectNode().put("object", "list").put("url", "/v1/events").put("has_more", false);
        ArrayNode data = list.putArray("data");
        data.add(StripeObjects.event(lost, "customer.subscription.created",
                StripeObjects.subscription(subscription, "cus_lost", "incomplete", StripeObjects.PRO_PRICE, now, false), now - 60));
        var events = stripe.stubFor(get(urlPathEqualTo("/v1/events")).willReturn(okJson(StripeObjects.json(list))));

        given().auth().oauth2(StripeStub.adminToken()).post("/admin/payments/reconciliation").then().statusCode(200)
                .body("eventsAdded", greaterThanOrEqualTo(1));
        stripe.verify(getRequestedFor(urlPathEqualTo("/v1/events"))
                .withQueryParam("created[gte]", matching("\\d+"))
                .withQueryParam("types[0]", matching("checkout\\.session\\.completed")));
        assertEquals("reconciliation|processed", Db.one(dataSource,
                "SELECT source || '|' || state FROM billing.stripe_event WHERE id = '" + lost + "'"));
        assertEquals("active", Db.one(dataSource, "SELECT status FROM billing.subscription WHERE id = '" + subscription + "'"),
                "the API's state, not the event's");

        // Later the subscription is cancelled and every event of it is lost: the sweep of live subscriptions sees it.
        stripe.removeStub(events);
        stripe.stubFor(get(urlPathEqualTo("/v1/events")).willReturn(okJson("{\"object\":\"list\",\"url\":\"/v1/events\",\"has_more\":false,\"data\":[]}")));
        stripe.stubFor(get("/v1/subscriptions/" + subscription).willReturn(okJson(StripeObjects.json(
                StripeObjects.subscription(subscription, "cus_lost", "canceled", StripeObjects.PRO_PRICE, now + 86_400, false)))));
        given().auth().oauth2(StripeStub.adminToken()).post("/admin/payments/reconciliation").then().statusCode(200)
                .body("subscriptionsSwept", greaterThanOrEqualTo(1));
        assertEquals("canceled", Db.one(dataSource, "SELECT status FROM billing.subscription WHERE id = '" + subscription + "'"));
    }

    /** Every replica's scheduler fires; only the one holding the advisory lock reads Stripe, the others stand aside. */
    @Test
    void oneReplicaReconcilesAtATime() throws Exception {
        var stripe = StripeStub.server();
        var noEvents = stripe.stubFor(get(urlPathEqualTo("/v1/events")).willReturn(okJson("{\"object\":\"list\",\"url\":\"/v1/events\",\"has_more\":false,\"data\":[]}")));
        try (java.sql.Connection otherReplica = dataSource.getConnection()) {
            otherReplica.setAutoCommit(false);
            try (var statement = otherReplica.createStatement();
                 var locked = statement.executeQuery("SELECT pg_try_advisory_xact_lock(hashtext('billing.reconciliation'))")) {
                locked.next();
                org.junit.jupiter.api.Assertions.assertTrue(locked.getBoolean(1));
            }
            int before = stripe.findAll(getRequestedFor(urlPathEqualTo("/v1/events"))).size();
            given().auth().oauth2(StripeStub.adminToken()).post("/admin/payments/reconciliation").then().statusCode(409)
                    .contentType("application/problem+json").body("title", org.hamcrest.Matchers.equalTo("Reconciliation running"));
            assertEquals(before, stripe.findAll(getRequestedFor(urlPathEqualTo("/v1/events"))).size(), "Stripe was read while another replica ran");
            otherReplica.rollback();
        }
        // The lock went with the other replica's transaction: the next run goes ahead.
        given().auth().oauth2(StripeStub.adminToken()).post("/admin/payments/reconciliation").then().statusCode(200);
        stripe.removeStub(noEvents);
    }

    @Test
    void stripeFailingDuringReconciliationIsAClearProblemAndMovesNoCursor() {
        String before = Db.one(dataSource, "SELECT coalesce(max(last_created), 0) FROM billing.reconciliation_cursor");
        var failing = StripeStub.server().stubFor(get(urlPathEqualTo("/v1/events")).atPriority(1).willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                        .withHeader("Request-Id", "req_events_down").withBody("{\"error\":{\"type\":\"api_error\",\"message\":\"down\"}}")));
        try {
            given().auth().oauth2(StripeStub.adminToken()).post("/admin/payments/reconciliation").then().statusCode(502)
                    .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.containsString("req_events_down"));
            assertEquals(before, Db.one(dataSource, "SELECT coalesce(max(last_created), 0) FROM billing.reconciliation_cursor"));
        } finally {
            StripeStub.server().removeStub(failing);
        }
    }
}
