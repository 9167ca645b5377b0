package dev.groundwork.payment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.Stripe;
import dev.groundwork.events.Event;
import dev.groundwork.events.EventCodec;
import dev.groundwork.payment.stripe.StripeObjects;
import dev.groundwork.payment.stripe.StripeStub;
import dev.groundwork.payment.stripe.Webhooks;
import dev.groundwork.testsupport.RandomManagementPort;
import dev.groundwork.testsupport.RealInfrastructure;
import dev.groundwork.testsupport.RedisConnection;
import dev.groundwork.testsupport.TestServers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The packaged service (the native executable in CI's native job) through every path that maps JSON by reflection:
 * {@code user.registered} read from Redis into a record, a customer created at Stripe (stripe-java writes the
 * parameters and reads the Customer with Gson), checkout, a signed webhook recorded once, the Checkout Session and
 * Subscription read back from Stripe, reconciliation reading Stripe's event list, and the billing events written to
 * the stream. Each step checks what a user or the fleet gets, so a class the native image cannot reflect on shows
 * up as a wrong or missing value, not only as a status. No CDI here: the app runs in its own process; Stripe is the
 * module's stub (in this JVM), Redis is read directly.
 */
@QuarkusIntegrationTest
@WithTestResource(RandomManagementPort.class)
class BillingJourneyIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void aRegisteredUserSubscribesAndTheServiceKeepsStripesStateAndTellsTheFleet() throws Exception {
        UUID user = UUID.randomUUID();
        String run = user.toString().substring(0, 8);
        String email = "native-" + run + "@example.com";
        String customer = "cus_native" + run;
        var stripe = StripeStub.server();

        // user.registered, as auth-service puts it on events:identity: a Stripe customer, and customer.created.
        stripe.stubFor(post("/v1/customers").withRequestBody(containing("metadata[user_id]=" + user))
                .willReturn(okJson(StripeObjects.json(StripeObjects.customer(customer, user.toString())))));
        redis("XADD", "events:identity", "*", EventCodec.FIELD, EventCodec.encode(UUID.randomUUID().toString(), "identity",
                "dev.groundwork.identity.user.registered.v1", user.toString(), JsonNodeFactory.instance.objectNode()
                        .put("userId", user.toString()).put("email", email).put("createdAt", "2026-12-01T08:00:00Z"),
                EventCodec.Trace.NONE));
        Event created = awaitEvent(user, "dev.groundwork.billing.customer.created.v1");
        assertEquals(customer, created.data().path("customerId").asText(), "the id read from Stripe's Customer");
        assertEquals(user.toString(), created.data().path("userId").asText());
        stripe.verify(1, postRequestedFor(urlEqualTo("/v1/customers"))
                .withHeader("Idempotency-Key", equalTo("groundwork-customer-" + user))
                .withHeader("Authorization", equalTo("Bearer " + StripeStub.SECRET_KEY))
                .withHeader("Stripe-Version", equalTo(Stripe.API_VERSION))
                .withRequestBody(containing("metadata[user_id]=" + user))
                .withRequestBody(containing("email=native-" + run + "%40example.com")));

        // Checkout: the parameters as Stripe expects them, the session's id and URL as Stripe answered them.
        String session = "cs_test_native" + run;
        String subscription = "sub_native" + run;
        String token = StripeStub.userToken(user, email);
        stripe.stubFor(post("/v1/checkout/sessions").withRequestBody(containing("client_reference_id=" + user))
                .willReturn(okJson(StripeObjects.json(StripeObjects.checkoutSession(session, customer, null, "unpaid")))));
        given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("plan", "pro", "successUrl", StripeStub.REDIRECT_ORIGIN + "/billing/done",
                        "cancelUrl", StripeStub.REDIRECT_ORIGIN + "/billing"))
                .post("/payments/v1/checkout-sessions").then().statusCode(200)
                .body("id", org.hamcrest.Matchers.equalTo(session))
                .body("url", org.hamcrest.Matchers.equalTo("https://checkout.stripe.com/c/pay/" + session));
        stripe.verify(1, postRequestedFor(urlEqualTo("/v1/checkout/sessions"))
                .withRequestBody(containing("customer=" + customer))
                .withRequestBody(containing("mode=subscription"))
                .withRequestBody(containing("line_items[0][price]=" + StripeObjects.PRO_PRICE))
                .withRequestBody(containing("subscription_data[metadata][user_id]=" + user)));

        // Stripe's signed webhook: accepted, recorded (its repeat is a duplicate), and the subscription read back.
        long periodEnd = Instant.now().getEpochSecond() + 30 * 86_400;
        stripe.stubFor(get("/v1/checkout/sessions/" + session)
                .willReturn(okJson(StripeObjects.json(StripeObjects.checkoutSession(session, customer, subscription, "paid")))));
        stripe.stubFor(get("/v1/subscriptions/" + subscription).willReturn(okJson(StripeObjects.json(
                StripeObjects.subscription(subscription, customer, "active", StripeObjects.PRO_PRICE, periodEnd, false)))));
        String completed = StripeObjects.json(StripeObjects.event("evt_native" + run, "checkout.session.completed",
                StripeObjects.checkoutSession(session, customer, subscription, "paid"), Instant.now().getEpochSecond()));
        Webhooks.deliver(completed).then().statusCode(200)
                .body("received", org.hamcrest.Matchers.equalTo(true))
                .body("id", org.hamcrest.Matchers.equalTo("evt_native" + run))
                .body("duplicate", org.hamcrest.Matchers.equalTo(false));
        Webhooks.deliver(completed).then().statusCode(200).body("duplicate", org.hamcrest.Matchers.equalTo(true));

        await("the active subscription").atMost(PATIENCE).until(() -> "active".equals(
                given().auth().oauth2(token).get("/payments/v1/subscription").then().statusCode(200).extract().path("status")));
        given().auth().oauth2(token).get("/payments/v1/subscription").then().statusCode(200)
                .body("plan", org.hamcrest.Matchers.equalTo("pro"))
                .body("cancelAtPeriodEnd", org.hamcrest.Matchers.equalTo(false))
                .body("entitlements", contains("api.calls.100k", "seats.10"))
                .body("currentPeriodEnd", startsWith(Instant.ofEpochSecond(periodEnd).toString().substring(0, 16)));
        stripe.verify(getRequestedFor(urlEqualTo("/v1/checkout/sessions/" + session)));
        stripe.verify(getRequestedFor(urlEqualTo("/v1/subscriptions/" + subscription)));

        Event changed = awaitEvent(user, "dev.groundwork.billing.subscription.changed.v1");
        assertEquals("pro", changed.data().path("plan").asText());
        assertEquals("active", changed.data().path("status").asText());
        assertEquals(subscription, changed.data().path("subscriptionId").asText());
        assertEquals("seats.10", changed.data().path("entitlements").path(1).asText());

        // A webhook that never arrived: reconciliation finds it in Stripe's event list, and the user sees its effect.
        stripe.stubFor(get("/v1/subscriptions/" + subscription).willReturn(okJson(StripeObjects.json(
                StripeObjects.subscription(subscription, customer, "past_due", StripeObjects.PRO_PRICE, periodEnd, false)))));
        ObjectNode list = StripeObjects.JSON.createObjectNode().put("object", "list").put("url", "/v1/events").put("has_more", false);
        ArrayNode data = list.putArray("data");
        data.add(StripeObjects.event("evt_lost" + run, "customer.subscription.updated",
                StripeObjects.subscription(subscription, customer, "past_due", StripeObjects.PRO_PRICE, periodEnd, false),
                Instant.now().getEpochSecond() - 60));
        stripe.stubFor(get(urlPathEqualTo("/v1/events")).willReturn(okJson(StripeObjects.json(list))));
        given().auth().oauth2(StripeStub.adminToken()).post("/admin/payments/reconciliation").then().statusCode(200)
                .body("eventsRead", org.hamcrest.Matchers.equalTo(1))
                .body("eventsAdded", org.hamcrest.Matchers.equalTo(1));
        stripe.verify(getRequestedFor(urlPathEqualTo("/v1/events")).withQueryParam("created[gte]", matching("\\d+")));
        await("the past-due subscription").atMost(PATIENCE).until(() -> "past_due".equals(
                given().auth().oauth2(token).get("/payments/v1/subscription").then().statusCode(200).extract().path("status")));
    }

    private static Event awaitEvent(UUID subject, String type) {
        return await(type + " on events:billing").atMost(PATIENCE).until(
                () -> billingEvents().stream().filter(e -> e.subject().equals(subject.toString()) && e.type().equals(type)).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
    }

    /** The events on {@code events:billing}: the CloudEvents JSON of each entry is one line of the flattened reply. */
    private static List<Event> billingEvents() throws IOException {
        return redis("XRANGE", "events:billing", "-", "+").lines().filter(line -> line.startsWith("{")).map(json -> {
            try {
                return EventCodec.decode(Map.of(EventCodec.FIELD, json));
            } catch (Exception e) {
                throw new AssertionError("malformed entry on events:billing: " + json, e);
            }
        }).toList();
    }

    /** The module's Redis database, the one RealInfrastructure gave the packaged app. */
    private static String redis(String... command) throws IOException {
        try (RedisConnection connection = RedisConnection.open(TestServers.redis().orElseThrow()
                .withDatabase(RealInfrastructure.redisDatabase(RealInfrastructure.moduleName())))) {
            return connection.call(command);
        }
    }
}
