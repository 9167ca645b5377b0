package dev.groundwork.payment.rest;

import dev.groundwork.payment.config.StripeConfig;
import dev.groundwork.payment.service.Inbox;
import io.quarkus.logging.Log;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Stripe's webhook: the signature is checked on the raw bytes, the event stored, and 200 answered at once;
 * processing happens in the worker. Refusals ({@link Inbox.Refused}) are 400 problem+json written by
 * {@link ProblemMappers} and store nothing, so Stripe shows them. The body arrives read ({@link RequestBodies}); a
 * delivery without a signature never gets that far ({@link WebhookGate}).
 */
@BodyReadFirst
@Path("/payments/v1/webhooks/stripe")
public class WebhookResource {

    @Inject
    Inbox inbox;
    @Inject
    StripeConfig config;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response receive(@HeaderParam("Stripe-Signature") String signature, byte[] body) throws Inbox.Refused {
        long limit = config.webhookMaxBodySize().asLongValue();
        if (body.length > limit) {
            throw new Inbox.Refused("the body is larger than " + limit + " bytes");
        }
        Inbox.Accepted accepted = inbox.receive(new String(body, StandardCharsets.UTF_8), signature);
        Log.debugf("Stripe event %s (%s) %s", accepted.id(), accepted.type(), accepted.fresh() ? "stored" : "seen before");
        return Response.ok(Map.of("received", true, "id", accepted.id(), "duplicate", !accepted.fresh())).build();
    }
}
