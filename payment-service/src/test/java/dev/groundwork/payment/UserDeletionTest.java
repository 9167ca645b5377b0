package dev.groundwork.payment;

import dev.groundwork.testsupport.ManagementInterface;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
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
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code user.deleted} from auth-service: the user's live subscriptions end with the period they paid for, the Stripe
 * customer and our rows lose the personal data, invoices and charges stay for accounting; once per event, with
 * idempotency keys from the event id, retried when Stripe fails.
 */
@QuarkusTest
class UserDeletionTest {

    private static final String USER_DELETED = "dev.groundwork.identity.user.deleted.v1";

    @Inject
    RedisDataSource redis;
    @Inject
    AgroalDataSource dataSource;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final WireMockServer stripe = StripeStub.server();

    @Test
    void subscriptionsEndWithThePeriodAndThePersonalDataGoesOnceHoweverOftenTheEventComes() {
        UUID user = UUID.randomUUID();
        String customer = "cus_del_" + run;
        customer(user, customer, "gone@example.com");
        Db.execute(dataSource, "INSERT INTO billing.invoice (id, stripe_customer_id, user_id, status, amount_paid, currency, created)"
                + " VALUES ('in_del_" + run + "', '" + customer + "', '" + user + "', 'paid', 1900, 'eur', now())");
        Db.execute(dataSource, "INSERT INTO billing.charge (id, stripe_customer_id, user_id, amount, currency, status)"
                + " VALUES ('ch_del_" + run + "', '" + customer + "', '" + user + "', 1900, 'eur', 'succeeded')");
        // A Stripe event we stored raw, carrying the customer's name and e-mail.
        ObjectNode customerObject = StripeObjects.customer(customer, user.toString()).put("email", "gone@example.com").put("name", "Gone Person");
        String storedEvent = "evt_cus_updated_" + run;
        Webhooks.deliver(StripeObjects.json(StripeObjects.event(storedEvent, "customer.updated", customerObject,
                System.currentTimeMillis() / 1000))).then().statusCode(200);

        long periodEnd = System.currentTimeMillis() / 1000 + 20 * 86_400;
        String live = "sub_del_live_" + run;
        String ending = "sub_del_ending_" + run;
        String incomplete = "sub_del_incomplete_" + run;
        stubSubscriptions(customer, StripeObjects.subscription(live, customer, "active", StripeObjects.PRO_PRICE, periodEnd, false),
                StripeObjects.subscription(ending, customer, "trialing", StripeObjects.PRO_PRICE, periodEnd, true),
                StripeObjects.subscription(incomplete, customer, "incomplete", StripeObjects.PRO_PRICE, periodEnd, false));
        stripe.stubFor(post("/v1/subscriptions/" + live).willReturn(okJson(StripeObjects.json(
                StripeObjects.subscription(live, customer, "active", StripeObjects.PRO_PRICE, periodEnd, true)))));
        stripe.stubFor(post("/v1/customers/" + customer).willReturn(okJson(StripeObjects.json(StripeObjects.customer(customer, "")))));
        int listsBefore = lists();

        // Delivered twice (a redelivery has the same id), then a user without a customer: the consumer applies the stream
        // in order, so when the last one is done the first two are.
        String event = BillingStream.publishUserDeleted(redis, UUID.randomUUID().toString(), user);
        BillingStream.publishUserDeleted(redis, event, user);
        UUID nobody = UUID.randomUUID();
        String nobodysEvent = BillingStream.publishUserDeleted(redis, UUID.randomUUID().toString(), nobody);
        await("the deletion of the user without a customer").atMost(Duration.ofSeconds(20)).until(() -> deleted(nobody));

        // Stripe: the live subscription ends with its period; the one ending already and the incomplete one are left alone.
        assertTrue(deleted(user));
        stripe.verify(1, getRequestedFor(urlPathEqualTo("/v1/subscriptions")).withQueryParam("customer", equalTo(customer)));
        stripe.verify(1, postRequestedFor(urlEqualTo("/v1/subscriptions/" + live))
                .withRequestBody(equalTo("cancel_at_period_end=true"))
                .withHeader("Idempotency-Key", equalTo("groundwork-user-deleted-" + event + "-" + live)));
        stripe.verify(0, postRequestedFor(urlEqualTo("/v1/subscriptions/" + ending)));
        stripe.verify(0, postRequestedFor(urlEqualTo("/v1/subscriptions/" + incomplete)));
        // The customer keeps its invoices at Stripe but loses every personal field (an empty value unsets it).
        var erased = postRequestedFor(urlEqualTo("/v1/customers/" + customer))
                .withHeader("Idempotency-Key", equalTo("groundwork-user-deleted-" + event + "-" + customer))
                .withRequestBody(containing("metadata[user_deleted]=true"));
        for (String field : List.of("email", "name", "phone", "address", "shipping", "description", "metadata\\[user_id]")) {
            erased = erased.withRequestBody(matching("(.*&)?" + field + "=(&.*)?"));
        }
        stripe.verify(1, erased);
        stripe.verify(1, postRequestedFor(urlEqualTo("/v1/customers/" + customer)));

        // Our rows: the customer mapping stays without the e-mail, invoices and charges stay, the stored event is redacted
        // but still names its object (a replay works).
        assertEquals(customer + "|-", Db.one(dataSource, "SELECT stripe_customer_id || '|' || coalesce(email, '-') FROM billing.customer"
                + " WHERE user_id = '" + user + "'"));
        assertEquals(1, Db.count(dataSource, "SELECT count(*) FROM billing.invoice WHERE user_id = '" + user + "'"));
        assertEquals(1, Db.count(dataSource, "SELECT count(*) FROM billing.charge WHERE user_id = '" + user + "'"));
        String payload = Db.one(dataSource, "SELECT payload FROM billing.stripe_event WHERE id = '" + storedEvent + "'");
        assertFalse(payload.contains("gone@example.com") || payload.contains("Gone Person"), payload);
        assertEquals(customer, Db.one(dataSource, "SELECT payload::jsonb #>> '{data,object,id}' FROM billing.stripe_event WHERE id = '"
                + storedEvent + "'"));
        assertEquals(1, Db.count(dataSource, "SELECT count(*) FROM billing.event_processed WHERE event_id = '" + event + "'"));
        given().auth().oauth2(StripeStub.userToken(user, "gone@example.com")).contentType("application/json")
                .body(java.util.Map.of("returnUrl", StripeStub.REDIRECT_ORIGIN + "/a")).post("/payments/v1/portal-sessions")
                .then().statusCode(403).contentType("application/problem+json");

        // The user without a customer: nothing asked of Stripe.
        assertEquals(listsBefore + 1, lists());
        stripe.verify(0, anyRequestedFor(anyUrl()).withHeader("Idempotency-Key", containing(nobodysEvent)));

        // A late user.registered (a retried event is overtaken by later ones) or a checkout creates no customer again.
        String late = BillingStream.publishUserRegistered(redis, UUID.randomUUID().toString(), nobody, "nobody@example.com");
        given().auth().oauth2(StripeStub.userToken(nobody, "nobody@example.com")).contentType("application/json")
                .body(java.util.Map.of("plan", "pro", "successUrl", StripeStub.REDIRECT_ORIGIN + "/a", "cancelUrl", StripeStub.REDIRECT_ORIGIN + "/b"))
                .post("/payments/v1/checkout-sessions").then().statusCode(403).contentType("application/problem+json")
                .body("title", org.hamcrest.Matchers.equalTo("User deleted"));
        await("the late user.registered").atMost(Duration.ofSeconds(20)).until(() -> Db.count(dataSource,
                "SELECT count(*) FROM billing.event_processed WHERE event_id = '" + late + "'") == 1);
        assertEquals(0, Db.count(dataSource, "SELECT count(*) FROM billing.customer WHERE user_id = '" + nobody + "'"));
        stripe.verify(0, postRequestedFor(urlEqualTo("/v1/customers")).withRequestBody(containing(nobody.toString())));
    }

    @Test
    void aStripeFailureChangesNothingAndTheEventIsRetriedWithTheSameKey() {
        UUID user = UUID.randomUUID();
        String customer = "cus_del_fail_" + run;
        customer(user, customer, "retry@example.com");
        stubSubscriptions(customer);
        var failing = stripe.stubFor(post("/v1/customers/" + customer).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withHeader("Stripe-Should-Retry", "false")
                .withBody("{\"error\":{\"type\":\"api_error\",\"message\":\"Something went wrong on Stripe's end\"}}")));
        double failuresBefore = handlerFailures();

        String event = BillingStream.publishUserDeleted(redis, UUID.randomUUID().toString(), user);
        await("a failed attempt").atMost(Duration.ofSeconds(20)).until(() -> handlerFailures() > failuresBefore);
        assertFalse(deleted(user));
        assertEquals("retry@example.com", Db.one(dataSource, "SELECT email FROM billing.customer WHERE user_id = '" + user + "'"));

        stripe.removeStub(failing);
        stripe.stubFor(post("/v1/customers/" + customer).willReturn(okJson(StripeObjects.json(StripeObjects.customer(customer, "")))));
        await("the retried event applied").atMost(Duration.ofSeconds(20)).until(() -> deleted(user));
        assertNull(Db.one(dataSource, "SELECT email FROM billing.customer WHERE user_id = '" + user + "'"));
        List<LoggedRequest> attempts = stripe.findAll(postRequestedFor(urlEqualTo("/v1/customers/" + customer)));
        assertTrue(attempts.size() >= 2, "failed, then retried: " + attempts.size());
        attempts.forEach(attempt -> assertEquals("groundwork-user-deleted-" + event + "-" + customer, attempt.getHeader("Idempotency-Key")));
    }

    private void customer(UUID user, String customer, String email) {
        Db.execute(dataSource, "INSERT INTO billing.customer (user_id, stripe_customer_id, email) VALUES ('" + user + "', '"
                + customer + "', '" + email + "')");
    }

    private void stubSubscriptions(String customer, ObjectNode... subscriptions) {
        ObjectNode list = StripeObjects.JSON.createObjectNode().put("object", "list").put("url", "/v1/subscriptions").put("has_more", false);
        ArrayNode data = list.putArray("data");
        for (ObjectNode subscription : subscriptions) {
            data.add(subscription);
        }
        stripe.stubFor(get(urlPathEqualTo("/v1/subscriptions")).withQueryParam("customer", equalTo(customer))
                .willReturn(okJson(StripeObjects.json(list))));
    }

    private int lists() {
        return stripe.countRequestsMatching(getRequestedFor(urlPathEqualTo("/v1/subscriptions")).build()).getCount();
    }

    private boolean deleted(UUID user) {
        return Db.count(dataSource, "SELECT count(*) FROM billing.deleted_user WHERE user_id = '" + user + "'") == 1;
    }

    private double handlerFailures() {
        Matcher failures = Pattern.compile("groundwork_events_handler_failures_total\\{[^}]*type=\"" + Pattern.quote(USER_DELETED)
                + "\"[^}]*} (\\S+)").matcher(ManagementInterface.given().get("/q/metrics").then().extract().asString());
        return failures.find() ? Double.parseDouble(failures.group(1)) : 0;
    }
}
