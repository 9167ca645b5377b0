package dev.groundwork.payment;

import com.stripe.Stripe;
import dev.groundwork.events.Event;
import dev.groundwork.payment.stripe.StripeObjects;
import dev.groundwork.payment.stripe.StripeStub;
import dev.groundwork.payment.stripe.Webhooks;
import io.agroal.api.AgroalDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A user from registration to an active subscription: customer created once however often the event comes,
 * checkout, Stripe's signed webhook, the subscription as the API shows it, and {@code subscription.changed} on
 * the stream for the rest of the fleet.
 */
@QuarkusTest
class JourneyTest {

    @Inject
    RedisDataSource redis;
    @Inject
    AgroalDataSource dataSource;

    @Test
    void registeredUserSubscribesThroughCheckoutAndTheFleetHearsOfIt() throws Exception {
        UUID user = UUID.randomUUID();
        String customer = "cus_journey" + user.toString().substring(0, 8);
        var stripe = StripeStub.server();
        stripe.stubFor(post("/v1/customers").withRequestBody(containing("metadata[user_id]=" + user))
                .willReturn(okJson(StripeObjects.json(StripeObjects.customer(customer, user.toString())))));

        // user.registered, delivered twice (a redelivery has the same id): one customer.
        String eventId = UUID.randomUUID().toString();
        BillingStream.publishUserRegistered(redis, eventId, user, "journey@example.com");
        BillingStream.publishUserRegistered(redis, eventId, user, "journey@example.com");
        await("the customer row").atMost(Duration.ofSeconds(20))
                .until(() -> Db.count(dataSource, "SELECT count(*) FROM billing.customer WHERE user_id = '" + user + "'") == 1);
        await("customer.created on the stream").atMost(Duration.ofSeconds(20)).until(() -> BillingStream.about(redis, user.toString()).stream()
                .anyMatch(e -> e.type().equals("dev.groundwork.billing.customer.created.v1")));
        stripe.verify(1, postRequestedFor(urlEqualTo("/v1/customers"))
                .withRequestBody(containing("metadata[user_id]=" + user))
                .withHeader("Idempotency-Key", equalTo("groundwork-customer-" + user))
                .withHeader("Authorization", equalTo("Bearer " + StripeStub.SECRET_KEY))
                .withHeader("Stripe-Version", equalTo(Stripe.API_VERSION))
                .withRequestBody(containing("email=journey%40example.com")));

        // Checkout for plan pro, back to the app.
        String session = "cs_test_journey" + user.toString().substring(0, 8);
        String subscription = "sub_journey" + user.toString().substring(0, 8);
        stripe.stubFor(post("/v1/checkout/sessions").withRequestBody(containing("client_reference_id=" + user))
                .willReturn(okJson(StripeObjects.json(StripeObjects.checkoutSession(session, customer, null, "unpaid")))));
        given().auth().oauth2(StripeStub.userToken(user, "journey@example.com")).contentType("application/json")
                .body(Map.of("plan", "pro", "successUrl", StripeStub.REDIRECT_ORIGIN + "/billing/done",
                        "cancelUrl", StripeStub.REDIRECT_ORIGIN + "/billing"))
                .post("/payments/v1/checkout-sessions").then().statusCode(200)
                .body("id", org.hamcrest.Matchers.equalTo(session))
                .body("url", org.hamcrest.Matchers.equalTo("https://checkout.stripe.com/c/pay/" + session));
        stripe.verify(1, postRequestedFor(urlEqualTo("/v1/checkout/sessions"))
                .withRequestBody(containing("customer=" + customer))
                .withRequestBody(containing("mode=subscription"))
                .withRequestBody(containing("line_items[0][price]=" + StripeObjects.PRO_PRICE))
                .withRequestBody(containing("success_url=https%3A%2F%2Fapp.example%2Fbilling%2Fdone"))
                .withRequestBody(containing("subscription_data[metadata][user_id]=" + user)));
        // The customer already existed: no second one.
        stripe.verify(1, postRequestedFor(urlEqualTo("/v1/customers")).withRequestBody(containing("metadata[user_id]=" + user)));

        // The user pays; Stripe says so by webhook, and the API shows the subscription.
        long periodEnd = System.currentTimeMillis() / 1000 + 30 * 86400;
        stripe.stubFor(get("/v1/checkout/sessions/" + session)
                .willReturn(okJson(StripeObjects.json(StripeObjects.checkoutSession(session, customer, subscription, "paid")))));
        stripe.stubFor(get("/v1/subscriptions/" + subscription).willReturn(okJson(StripeObjects.json(
                StripeObjects.subscription(subscription, customer, "active", StripeObjects.PRO_PRICE, periodEnd, false)))));
        String completed = StripeObjects.json(StripeObjects.event("evt_journey" + user.toString().substring(0, 8),
                "checkout.session.completed", StripeObjects.checkoutSession(session, customer, subscription, "paid"),
                System.currentTimeMillis() / 1000));
        Webhooks.deliver(completed).then().statusCode(200);

        String token = StripeStub.userToken(user, "journey@example.com");
        await("the active subscription").atMost(Duration.ofSeconds(20)).until(() -> "active".equals(
                given().auth().oauth2(token).get("/payments/v1/subscription").then().statusCode(200).extract().path("status")));
        given().auth().oauth2(token).get("/payments/v1/subscription").then().statusCode(200)
                .body("plan", org.hamcrest.Matchers.equalTo("pro"))
                .body("cancelAtPeriodEnd", org.hamcrest.Matchers.equalTo(false))
                .body("entitlements", contains("api.calls.100k", "seats.10"))
                .body("currentPeriodEnd", org.hamcrest.Matchers.startsWith(java.time.Instant.ofEpochSecond(periodEnd).toString().substring(0, 16)));
        stripe.verify(getRequestedFor(urlEqualTo("/v1/subscriptions/" + subscription)));

        await("subscription.changed on the stream").atMost(Duration.ofSeconds(20)).until(() -> BillingStream.about(redis, user.toString()).stream()
                .anyMatch(e -> e.type().equals("dev.groundwork.billing.subscription.changed.v1")));
        List<Event> changes = BillingStream.about(redis, user.toString()).stream()
                .filter(e -> e.type().equals("dev.groundwork.billing.subscription.changed.v1")).toList();
        assertEquals(1, changes.size());
        assertEquals("pro", changes.get(0).data().get("plan").asText());
        assertEquals("active", changes.get(0).data().get("status").asText());
        assertEquals(user.toString(), changes.get(0).data().get("userId").asText());
        assertEquals("seats.10", changes.get(0).data().get("entitlements").get(1).asText());
    }
}
