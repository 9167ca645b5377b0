package dev.groundwork.payment;

import dev.groundwork.testsupport.ManagementInterface;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each kind of event does: invoices and their payment events, refunds, unpaid checkouts, unknown prices and types. */
@QuarkusTest
class EventTypesTest {

    @Inject
    AgroalDataSource dataSource;
    @Inject
    RedisDataSource redis;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final long now = System.currentTimeMillis() / 1000;

    @Test
    void invoicesArePaidOrFailedAndTheFleetHearsOfIt() throws Exception {
        UUID user = UUID.randomUUID();
        String customer = "cus_inv_" + run;
        Db.execute(dataSource, "INSERT INTO billing.customer (user_id, stripe_customer_id) VALUES ('" + user + "', '" + customer + "')");
        String subscription = "sub_inv_" + run;
        stub("/v1/subscriptions/" + subscription, StripeObjects.subscription(subscription, customer, "active", StripeObjects.PRO_PRICE, now + 86_400, false));
        stub("/v1/invoices/in_paid_" + run, StripeObjects.invoice("in_paid_" + run, customer, subscription, "paid", 1900, now));
        stub("/v1/invoices/in_failed_" + run, StripeObjects.invoice("in_failed_" + run, customer, subscription, "open", 0, now));

        processed(deliver("invoice.paid", StripeObjects.invoice("in_paid_" + run, customer, subscription, "open", 0, now)));
        processed(deliver("invoice.payment_failed", StripeObjects.invoice("in_failed_" + run, customer, subscription, "open", 0, now)));

        assertEquals("paid|1900|" + user + "|" + subscription, Db.one(dataSource,
                "SELECT status || '|' || amount_paid || '|' || user_id || '|' || subscription_id FROM billing.invoice WHERE id = 'in_paid_" + run + "'"));
        await("payment events").atMost(Duration.ofSeconds(20)).until(() -> BillingStream.about(redis, user.toString()).stream()
                .filter(e -> e.type().endsWith("payment.succeeded.v1") || e.type().endsWith("payment.failed.v1")).count() == 2);
        Event succeeded = BillingStream.about(redis, user.toString()).stream().filter(e -> e.type().endsWith("payment.succeeded.v1"))
                .findFirst().orElseThrow();
        assertEquals(1900, succeeded.data().get("amount").asLong());
        assertEquals("eur", succeeded.data().get("currency").asText());
        Event failed = BillingStream.about(redis, user.toString()).stream().filter(e -> e.type().endsWith("payment.failed.v1"))
                .findFirst().orElseThrow();
        assertEquals("payment_failed", failed.data().get("reason").asText());
        assertEquals("in_failed_" + run, failed.data().get("invoiceId").asText());
    }

    @Test
    void aRefundLandsOnTheChargeAndAnUnpaidCheckoutWaits() throws Exception {
        ObjectNode charge = (ObjectNode) StripeObjects.JSON.readTree(StripeObjects.json(StripeObjects.sample("charge")));
        charge.put("id", "ch_" + run).put("refunded", true).put("amount_refunded", 100).put("customer", (String) null);
        stub("/v1/charges/ch_" + run, charge);
        processed(deliver("charge.refunded", charge.deepCopy().put("refunded", false)));
        assertEquals("true|100", Db.one(dataSource, "SELECT refunded || '|' || amount_refunded FROM billing.charge WHERE id = 'ch_" + run + "'"));

        String session = "cs_unpaid_" + run;
        stub("/v1/checkout/sessions/" + session, StripeObjects.checkoutSession(session, "cus_u", "sub_unpaid_" + run, "unpaid"));
        processed(deliver("checkout.session.completed", StripeObjects.checkoutSession(session, "cus_u", "sub_unpaid_" + run, "unpaid")));
        StripeStub.server().verify(0, getRequestedFor(urlEqualTo("/v1/subscriptions/sub_unpaid_" + run)));
    }

    @Test
    void unknownPricesAreKeptAndReportedAndUnknownTypesIgnored() throws Exception {
        String subscription = "sub_unknown_price_" + run;
        stub("/v1/subscriptions/" + subscription, StripeObjects.subscription(subscription, "cus_up", "active", "price_nobody_knows_" + run, now, false));
        processed(deliver("customer.subscription.updated", StripeObjects.subscription(subscription, "cus_up", "active", "price_x", now, false)));
        assertEquals("price_nobody_knows_" + run + "|-", Db.one(dataSource,
                "SELECT price_id || '|' || coalesce(plan, '-') FROM billing.subscription WHERE id = '" + subscription + "'"));
        given().auth().oauth2(StripeStub.adminToken()).get("/admin/payments/inbox").then().statusCode(200)
                .body("unknownPrices.priceId", hasItem("price_nobody_knows_" + run));

        String other = StripeObjects.json(StripeObjects.event("evt_plan_" + run, "plan.created", StripeObjects.sample("plan"), now));
        Webhooks.deliver(other).then().statusCode(200);
        await("the ignored row").atMost(Duration.ofSeconds(20)).until(() -> "ignored".equals(state("evt_plan_" + run)));
    }

    @Test
    void anEventOfAnotherApiVersionIsProcessedByRefetchAndFlaggedLoudly() throws Exception {
        String subscription = "sub_version_" + run;
        stub("/v1/subscriptions/" + subscription, StripeObjects.subscription(subscription, "cus_v", "trialing", StripeObjects.PRO_PRICE, now, false));
        ObjectNode event = StripeObjects.event("evt_version_" + run, "customer.subscription.updated",
                StripeObjects.subscription(subscription, "cus_v", "active", StripeObjects.PRO_PRICE, now, false), now);
        event.put("api_version", "2019-02-19");
        Webhooks.deliver(StripeObjects.json(event)).then().statusCode(200);
        processed("evt_version_" + run);
        assertEquals("2019-02-19", Db.one(dataSource, "SELECT api_version FROM billing.stripe_event WHERE id = 'evt_version_" + run + "'"));
        assertEquals("trialing", Db.one(dataSource, "SELECT status FROM billing.subscription WHERE id = '" + subscription + "'"));
        String metrics = ManagementInterface.given().get("/q/metrics").then().extract().asString();
        assertTrue(metrics.matches("(?s).*payment_webhook_api_version_mismatch_total(\\{[^}]*})? [1-9].*"), "mismatch counted");
    }

    private void stub(String path, ObjectNode body) {
        StripeStub.server().stubFor(get(path).willReturn(okJson(StripeObjects.json(body))));
    }

    private String deliver(String type, ObjectNode object) {
        String id = "evt_" + type.replace('.', '_') + "_" + run;
        Webhooks.deliver(StripeObjects.json(StripeObjects.event(id, type, object, now))).then().statusCode(200);
        return id;
    }

    private void processed(String event) {
        await(event + " processed").atMost(Duration.ofSeconds(20)).until(() -> "processed".equals(state(event)));
    }

    private String state(String event) {
        return Db.one(dataSource, "SELECT state FROM billing.stripe_event WHERE id = '" + event + "'");
    }
}
