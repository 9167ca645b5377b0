package dev.groundwork.payment.rest;

import com.stripe.exception.StripeException;
import dev.groundwork.http.Problem;
import dev.groundwork.payment.service.Billing;
import dev.groundwork.payment.service.BillingErrors;
import dev.groundwork.payment.service.Checkout;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.UUID;

/** The signed-in user's billing: start a checkout, open the portal, read the subscription and invoices. */
@BodyReadFirst
@Path("/payments/v1")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class BillingResource {

    public record PortalRequest(String returnUrl) {
    }

    @Inject
    JsonWebToken token;
    @Inject
    Checkout checkout;
    @Inject
    Billing billing;

    @POST
    @Path("checkout-sessions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Checkout.CheckoutSession checkout(Checkout.CheckoutRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey)
            throws StripeException {
        if (request == null) {
            throw new Problem(400, BillingErrors.BAD_REQUEST, "a JSON body with plan or price, successUrl and cancelUrl is needed");
        }
        return checkout.checkout(user(), token.getClaim("email"), request, idempotencyKey);
    }

    @POST
    @Path("portal-sessions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Checkout.PortalSession portal(PortalRequest request) throws StripeException {
        return checkout.portal(user(), request == null ? null : request.returnUrl());
    }

    @GET
    @Path("subscription")
    public Billing.SubscriptionView subscription() {
        return billing.subscription(user());
    }

    /** Newest first; {@code cursor} is the {@code nextCursor} of the page before. */
    @GET
    @Path("invoices")
    public Billing.InvoicePage invoices(@QueryParam("limit") @DefaultValue("20") int limit, @QueryParam("cursor") String cursor) {
        return billing.invoices(user(), limit, cursor);
    }

    private UUID user() {
        try {
            return UUID.fromString(token.getSubject());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new Problem(403, BillingErrors.FORBIDDEN, "this API is for users; the token's subject is not a user id");
        }
    }
}
