package dev.groundwork.payment;

import dev.groundwork.payment.stripe.StripeObjects;
import dev.groundwork.payment.stripe.StripeStub;
import dev.groundwork.payment.stripe.Webhooks;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every delivery that is not Stripe's, or not well-formed, is a 400 with a clear reason, and nothing is stored. */
@QuarkusTest
class WebhookRefusalsTest {

    @Inject
    AgroalDataSource dataSource;

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private String payload(String id) {
        return StripeObjects.json(StripeObjects.event(id, "customer.subscription.updated",
                StripeObjects.subscription("sub_refused", "cus_refused", "active", StripeObjects.PRO_PRICE, now(), false), now()));
    }

    private long stored() {
        return Db.count(dataSource, "SELECT count(*) FROM billing.stripe_event");
    }

    @Test
    void badDeliveriesAre400AndStoreNothing() {
        long before = stored();
        String id = "evt_refused_" + UUID.randomUUID();
        String payload = payload(id);

        refused(Webhooks.deliver(payload, null), "Stripe-Signature header is missing");
        refused(Webhooks.deliver(payload, Webhooks.sign(payload, StripeStub.FOREIGN_WEBHOOK_SECRET, now())), "No signatures found");
        refused(Webhooks.deliver(payload, Webhooks.sign(payload, StripeStub.NEW_WEBHOOK_SECRET, now() - 301)), "tolerance");
        refused(Webhooks.deliver(payload, "t=garbage"), "signature check failed");
        String tampered = payload.replace("\"active\"", "\"canceled\"");
        refused(Webhooks.deliver(tampered, Webhooks.sign(payload, StripeStub.NEW_WEBHOOK_SECRET, now())), "No signatures found");
        String notJson = "{\"id\": \"evt_broken\", \"type\": ";
        refused(Webhooks.deliver(notJson, Webhooks.sign(notJson, StripeStub.NEW_WEBHOOK_SECRET, now())), "not JSON");
        String notAnEvent = "{\"hello\": \"world\"}";
        refused(Webhooks.deliver(notAnEvent, Webhooks.sign(notAnEvent, StripeStub.NEW_WEBHOOK_SECRET, now())), "not a Stripe event");
        String oversize = "{\"id\":\"evt_big\",\"type\":\"invoice.paid\",\"padding\":\"" + "x".repeat(600 * 1024) + "\"}";
        refused(Webhooks.deliver(oversize, Webhooks.sign(oversize, StripeStub.NEW_WEBHOOK_SECRET, now())), "larger than");

        assertEquals(before, stored(), "nothing stored");
        assertEquals(0, Db.count(dataSource, "SELECT count(*) FROM billing.stripe_event WHERE id = '" + id + "'"));
    }

    @Test
    void aRotatedSecretAcceptsTheOldAndTheNewAndADuplicateChangesNothing() {
        String oldSigned = payload("evt_rotation_old_" + UUID.randomUUID());
        Webhooks.deliver(oldSigned, Webhooks.sign(oldSigned, StripeStub.OLD_WEBHOOK_SECRET, now())).then().statusCode(200)
                .body("duplicate", equalTo(false));
        String newSigned = payload("evt_rotation_new_" + UUID.randomUUID());
        Webhooks.deliver(newSigned, Webhooks.sign(newSigned, StripeStub.NEW_WEBHOOK_SECRET, now())).then().statusCode(200);
        // During a rotation Stripe signs with both: one v1 per secret in the header.
        String both = payload("evt_rotation_both_" + UUID.randomUUID());
        String header = Webhooks.sign(both, StripeStub.OLD_WEBHOOK_SECRET, now()) + ","
                + Webhooks.sign(both, StripeStub.NEW_WEBHOOK_SECRET, now()).split(",")[1];
        Webhooks.deliver(both, header).then().statusCode(200);

        long before = stored();
        Webhooks.deliver(newSigned, Webhooks.sign(newSigned, StripeStub.NEW_WEBHOOK_SECRET, now())).then().statusCode(200)
                .body("duplicate", equalTo(true));
        assertEquals(before, stored());
    }

    private static void refused(io.restassured.response.Response response, String reason) {
        response.then().statusCode(400).contentType("application/problem+json").body("status", equalTo(400))
                .body("detail", containsString(reason));
    }
}
