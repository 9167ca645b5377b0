package dev.groundwork.payment;

import dev.groundwork.testsupport.ManagementInterface;
import dev.groundwork.payment.stripe.StripeObjects;
import dev.groundwork.testsupport.CapturedLog;
import dev.groundwork.payment.stripe.StripeStub;
import dev.groundwork.payment.stripe.Webhooks;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The operators' view of the inbox and its replay; and no Stripe secret anywhere a person or a scraper can read. */
@QuarkusTest
class AdminAndSecretsTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aFailedRowShowsInTheInboxAndAReplayProcessesIt() throws Exception {
        String subscription = "sub_replay_" + UUID.randomUUID().toString().substring(0, 8);
        var broken = StripeStub.server().stubFor(get("/v1/subscriptions/" + subscription).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad\"}}")));
        String event = "evt_" + subscription;
        Webhooks.deliver(StripeObjects.json(StripeObjects.event(event, "customer.subscription.updated",
                StripeObjects.subscription(subscription, "cus_r", "active", StripeObjects.PRO_PRICE, 1_900_000_000L, false), 1_700_000_000L)))
                .then().statusCode(200);
        await("the failed row").atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(state(event)));
        String admin = StripeStub.adminToken();
        given().auth().oauth2(admin).get("/admin/payments/inbox").then().statusCode(200)
                .body("failed.id", hasItem(event)).body("counts.failed", org.hamcrest.Matchers.greaterThanOrEqualTo(1));

        StripeStub.server().removeStub(broken);
        StripeStub.server().stubFor(get("/v1/subscriptions/" + subscription).willReturn(okJson(StripeObjects.json(
                StripeObjects.subscription(subscription, "cus_r", "active", StripeObjects.PRO_PRICE, 1_900_000_000L, false)))));
        given().auth().oauth2(admin).post("/admin/payments/inbox/" + event + "/replay").then().statusCode(200)
                .body("state", equalTo("processed"));
        given().auth().oauth2(admin).post("/admin/payments/inbox/evt_nobody_sent/replay").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void noSecretKeyOrWebhookSecretReachesTheLogTheMetricsOrAnAnswer() throws Exception {
        CapturedLog captured = CapturedLog.start();
        List<String> answers = new ArrayList<>();
        try {
            String accepted = "evt_secret_" + UUID.randomUUID();
            String payload = StripeObjects.json(StripeObjects.event(accepted, "invoice.paid",
                    StripeObjects.invoice("in_secret_missing", "cus_s", null, "paid", 1, 1_700_000_000L), System.currentTimeMillis() / 1000));
            answers.add(Webhooks.deliver(payload, Webhooks.sign(payload, StripeStub.FOREIGN_WEBHOOK_SECRET, System.currentTimeMillis() / 1000)).asString());
            answers.add(Webhooks.deliver(payload, "t=1,v1=00").asString());
            answers.add(Webhooks.deliver(payload).asString()); // accepted; its invoice is missing at Stripe, so the row fails
            UUID user = UUID.randomUUID();
            StripeStub.server().stubFor(post("/v1/customers").withRequestBody(containing(user.toString())).willReturn(aResponse().withStatus(401)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Invalid API Key provided: " + StripeStub.SECRET_KEY + "\"}}")));
            answers.add(given().auth().oauth2(StripeStub.userToken(user, "s@example.com")).contentType("application/json")
                    .body(Map.of("plan", "pro", "successUrl", StripeStub.REDIRECT_ORIGIN + "/a", "cancelUrl", StripeStub.REDIRECT_ORIGIN + "/b"))
                    .post("/payments/v1/checkout-sessions").asString());
            await("the worker's attempt at the accepted event").atMost(Duration.ofSeconds(20))
                    .until(() -> "failed".equals(state(accepted)));
        } finally {
            captured.close();
        }
        String metrics = ManagementInterface.given().get("/q/metrics").then().extract().asString();
        String errors = Db.one(dataSource, "SELECT coalesce(string_agg(last_error, ' '), '') FROM billing.stripe_event");
        List<String> secrets = List.of(StripeStub.SECRET_KEY, StripeStub.OLD_WEBHOOK_SECRET, StripeStub.NEW_WEBHOOK_SECRET,
                StripeStub.FOREIGN_WEBHOOK_SECRET, StripeStub.SECRET_KEY.substring(8, 30));
        String log = captured.text();
        assertFalse(log.isEmpty(), "the log was captured");
        for (String secret : secrets) {
            assertFalse(log.contains(secret), "a secret in the log");
            assertFalse(metrics.contains(secret), "a secret in the metrics");
            assertFalse(errors.contains(secret), "a secret in a stored error");
            answers.forEach(answer -> assertFalse(answer.contains(secret), "a secret in an answer: " + answer));
        }
    }

    private String state(String event) {
        return Db.one(dataSource, "SELECT state FROM billing.stripe_event WHERE id = '" + event + "'");
    }
}
