package dev.groundwork.payment.rest;

import dev.groundwork.http.Problem;
import dev.groundwork.payment.config.StripeConfig;
import dev.groundwork.payment.service.BillingErrors;
import dev.groundwork.payment.service.Inbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Stripe's webhook: the signature is checked on the raw bytes, the event stored, and 200 answered at once;
 * processing happens in the worker. Refusals are 400 problem+json and store nothing, so Stripe shows them.
 */
@Path("/payments/v1/webhooks/stripe")
public class WebhookResource {

    @Inject
    Inbox inbox;
    @Inject
    StripeConfig config;
    @Inject
    MeterRegistry meters;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response receive(@HeaderParam("Stripe-Signature") String signature, InputStream body) throws IOException {
        long limit = config.webhookMaxBodySize().asLongValue();
        byte[] raw = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (raw.length > limit) {
            return refused("the body is larger than " + limit + " bytes");
        }
        try {
            Inbox.Accepted accepted = inbox.receive(new String(raw, StandardCharsets.UTF_8), signature);
            Log.debugf("Stripe event %s (%s) %s", accepted.id(), accepted.type(), accepted.fresh() ? "stored" : "seen before");
            return Response.ok(Map.of("received", true, "id", accepted.id(), "duplicate", !accepted.fresh())).build();
        } catch (Inbox.Refused refused) {
            return refused(refused.getMessage());
        }
    }

    private Response refused(String reason) {
        meters.counter("payment.webhook.deliveries", "outcome", "refused").increment();
        Log.infof("Stripe webhook refused: %s", reason);
        return Problem.response(400, BillingErrors.WEBHOOK_REFUSED, reason);
    }
}
