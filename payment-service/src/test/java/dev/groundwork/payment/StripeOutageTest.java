package dev.groundwork.payment;

import dev.groundwork.testsupport.ManagementInterface;
import dev.groundwork.payment.stripe.StripeObjects;
import dev.groundwork.payment.stripe.StripeStub;
import dev.groundwork.payment.stripe.Webhooks;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stripe failing while an event is processed: the webhook still answers 200, the row waits, and it heals later. */
@QuarkusTest
class StripeOutageTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void stripeAnswering500MakesTheRowRetryUntilItSucceeds() throws Exception {
        String subscription = "sub_outage_" + UUID.randomUUID().toString().substring(0, 8);
        var stub = StripeStub.server().stubFor(get("/v1/subscriptions/" + subscription).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withHeader("Request-Id", "req_outage")
                .withBody("{\"error\":{\"type\":\"api_error\",\"message\":\"Something went wrong on Stripe's end\"}}")));
        String event = deliver(subscription);

        await("a failed attempt").atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(state(event)));
        String error = Db.one(dataSource, "SELECT last_error FROM billing.stripe_event WHERE id = '" + event + "'");
        assertTrue(error.contains("HTTP 500") && error.contains("req_outage"), error);
        // stripe-java retried the call itself (2 network retries) before the row failed.
        assertTrue(StripeStub.server().countRequestsMatching(getRequestedFor(urlEqualTo("/v1/subscriptions/" + subscription)).build())
                .getCount() >= 3);
        assertTrue(ManagementInterface.given().get("/q/metrics").then().extract().asString().contains("payment_inbox_outcomes_total{outcome=\"failed\"}"));
        await("the failed row in the gauge").atMost(Duration.ofSeconds(20)).until(() -> ManagementInterface.given().get("/q/metrics").then().extract().asString()
                .matches("(?s).*payment_inbox_rows\\{state=\"failed\"} [1-9].*"));

        StripeStub.server().removeStub(stub);
        StripeStub.server().stubFor(get("/v1/subscriptions/" + subscription).willReturn(okJson(StripeObjects.json(
                StripeObjects.subscription(subscription, "cus_outage", "active", StripeObjects.PRO_PRICE, 1_900_000_000L, false)))));
        await("the retried row processed").atMost(Duration.ofSeconds(20)).until(() -> "processed".equals(state(event)));
        assertEquals("active", Db.one(dataSource, "SELECT status FROM billing.subscription WHERE id = '" + subscription + "'"));
    }

    @Test
    void stripeTimingOutIsAFailureTooAndTheWebhookIsNotHeldUp() throws Exception {
        String subscription = "sub_slow_" + UUID.randomUUID().toString().substring(0, 8);
        var stub = StripeStub.server().stubFor(get("/v1/subscriptions/" + subscription).willReturn(okJson(StripeObjects.json(
                StripeObjects.subscription(subscription, "cus_slow", "active", StripeObjects.PRO_PRICE, 1_900_000_000L, false)))
                .withFixedDelay(3_000)));
        String event = deliver(subscription);
        // The answer came before any attempt at Stripe ended (each takes the 2 s read timeout): the event was only stored.
        assertEquals("pending|0", Db.one(dataSource, "SELECT state || '|' || attempts FROM billing.stripe_event WHERE id = '" + event + "'"),
                "the webhook stored the event and left Stripe to the worker");

        await("a failed attempt").atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(state(event)));
        assertTrue(Db.one(dataSource, "SELECT last_error FROM billing.stripe_event WHERE id = '" + event + "'")
                .contains("ApiConnectionException"));
        StripeStub.server().removeStub(stub);
        StripeStub.server().stubFor(get("/v1/subscriptions/" + subscription).willReturn(okJson(StripeObjects.json(
                StripeObjects.subscription(subscription, "cus_slow", "past_due", StripeObjects.PRO_PRICE, 1_900_000_000L, false)))));
        await("the retried row processed").atMost(Duration.ofSeconds(20)).until(() -> "processed".equals(state(event)));
        assertEquals("past_due", Db.one(dataSource, "SELECT status FROM billing.subscription WHERE id = '" + subscription + "'"));
    }

    private String deliver(String subscription) {
        String event = "evt_" + subscription;
        Webhooks.deliver(StripeObjects.json(StripeObjects.event(event, "customer.subscription.updated",
                StripeObjects.subscription(subscription, "cus_x", "active", StripeObjects.PRO_PRICE, 1_900_000_000L, false),
                System.currentTimeMillis() / 1000))).then().statusCode(200).body(containsString(event));
        return event;
    }

    private String state(String event) {
        return Db.one(dataSource, "SELECT state FROM billing.stripe_event WHERE id = '" + event + "'");
    }
}
