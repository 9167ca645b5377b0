package dev.groundwork.payment.stripe;

import com.stripe.net.Webhook;
import io.restassured.response.Response;

import static io.restassured.RestAssured.given;

/** Delivers webhooks as Stripe does: the raw JSON, signed with the real algorithm. */
public final class Webhooks {

    private Webhooks() {
    }

    public static String sign(String payload, String secret, long timestamp) {
        try {
            return Webhook.Signature.generateSignatureHeader(payload, secret, timestamp);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Response deliver(String payload) {
        return deliver(payload, sign(payload, StripeStub.NEW_WEBHOOK_SECRET, System.currentTimeMillis() / 1000));
    }

    public static Response deliver(String payload, String signatureHeader) {
        var request = given().contentType("application/json; charset=utf-8").body(payload);
        if (signatureHeader != null) {
            request.header("Stripe-Signature", signatureHeader);
        }
        return request.post("/payments/v1/webhooks/stripe");
    }
}
