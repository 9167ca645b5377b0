package dev.groundwork.payment.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;

/**
 * Stripe objects for stubs and webhook payloads, built from Stripe's own sample objects
 * ({@code src/test/resources/stripe/fixtures3.json}, see the README beside it) with the fields a test is about changed.
 */
public final class StripeObjects {

    public static final ObjectMapper JSON = new ObjectMapper();
    /** The fixture subscription's price; the test catalogue puts it in plan {@code pro}. */
    public static final String PRO_PRICE = "price_1PgafmB7WZ01zgkW6dKueIc5";
    public static final String TEAM_PRICE = "price_team_monthly";
    private static final JsonNode RESOURCES = load();

    private StripeObjects() {
    }

    private static JsonNode load() {
        try (InputStream in = StripeObjects.class.getResourceAsStream("/stripe/fixtures3.json")) {
            return JSON.readTree(in).get("resources");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ObjectNode sample(String resource) {
        return RESOURCES.get(resource).deepCopy();
    }

    public static ObjectNode customer(String id, String userId) {
        ObjectNode customer = sample("customer").put("id", id);
        customer.putObject("metadata").put("user_id", userId);
        return customer;
    }

    public static ObjectNode subscription(String id, String customer, String status, String price, long periodEnd, boolean cancelAtPeriodEnd) {
        ObjectNode subscription = sample("subscription").put("id", id).put("customer", customer).put("status", status)
                .put("cancel_at_period_end", cancelAtPeriodEnd);
        subscription.putObject("metadata");
        ObjectNode item = (ObjectNode) subscription.get("items").get("data").get(0);
        item.put("current_period_end", periodEnd).put("subscription", id);
        ((ObjectNode) item.get("price")).put("id", price);
        return subscription;
    }

    public static ObjectNode checkoutSession(String id, String customer, String subscription, String paymentStatus) {
        return sample("checkout.session").put("id", id).put("customer", customer).put("subscription", subscription)
                .put("mode", "subscription").put("status", "complete").put("payment_status", paymentStatus)
                .put("url", "https://checkout.stripe.com/c/pay/" + id);
    }

    public static ObjectNode invoice(String id, String customer, String subscription, String status, long amountPaid, long created) {
        ObjectNode invoice = sample("invoice").put("id", id).put("customer", customer).put("status", status)
                .put("amount_paid", amountPaid).put("amount_due", amountPaid).put("created", created).put("currency", "eur");
        ObjectNode parent = invoice.putObject("parent").put("type", "subscription_details");
        parent.putObject("subscription_details").put("subscription", subscription).putObject("metadata");
        return invoice;
    }

    public static ObjectNode portalSession(String customer) {
        return sample("billing_portal.session").put("customer", customer);
    }

    /** A webhook event as Stripe sends it: the object as it was when the event happened. */
    public static ObjectNode event(String id, String type, JsonNode object, long created) {
        ObjectNode event = sample("event").put("id", id).put("type", type).put("created", created)
                .put("api_version", com.stripe.Stripe.API_VERSION);
        event.putObject("data").set("object", object);
        return event;
    }

    public static String json(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
