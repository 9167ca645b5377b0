package dev.groundwork.payment.rest;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.checkout.SessionCreateParams;
import dev.groundwork.payment.config.PaymentConfig;
import dev.groundwork.payment.repository.StoredInvoice;
import dev.groundwork.payment.repository.StoredSubscription;
import dev.groundwork.payment.repository.StripeCustomer;
import dev.groundwork.payment.service.Customers;
import dev.groundwork.payment.service.Plans;
import io.quarkus.panache.common.Sort;
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

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The signed-in user's billing: start a checkout, open the portal, read the subscription and invoices. */
@Path("/payments/v1")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class BillingResource {

    /** Either a plan of the catalogue or one of its prices; the URLs must lie under {@code payment.redirect-origins}. */
    public record CheckoutRequest(String plan, String price, String successUrl, String cancelUrl) {
    }

    public record CheckoutSession(String id, String url) {
    }

    public record PortalRequest(String returnUrl) {
    }

    public record PortalSession(String url) {
    }

    public record SubscriptionView(String plan, String status, OffsetDateTime currentPeriodEnd, boolean cancelAtPeriodEnd,
                                   List<String> entitlements) {
    }

    public record InvoiceView(String id, String number, String status, long amountDue, long amountPaid, String currency,
                              String hostedInvoiceUrl, OffsetDateTime created) {
    }

    public record InvoicePage(List<InvoiceView> data, boolean hasMore, String nextCursor) {
    }

    @Inject
    JsonWebToken token;
    @Inject
    StripeClient stripe;
    @Inject
    Customers customers;
    @Inject
    Plans plans;
    @Inject
    PaymentConfig config;

    @POST
    @Path("checkout-sessions")
    @Consumes(MediaType.APPLICATION_JSON)
    public CheckoutSession checkout(CheckoutRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey) throws StripeException {
        if (request == null) {
            throw new Problem(400, "Bad request", "a JSON body with plan or price, successUrl and cancelUrl is needed");
        }
        String price = price(request);
        String successUrl = allowedRedirect("successUrl", request.successUrl());
        String cancelUrl = allowedRedirect("cancelUrl", request.cancelUrl());
        UUID user = user();
        String customer = customers.ensure(user, token.getClaim("email"));
        SessionCreateParams params = SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                .setCustomer(customer)
                .setClientReferenceId(user.toString())
                .addLineItem(SessionCreateParams.LineItem.builder().setPrice(price).setQuantity(1L).build())
                .setSuccessUrl(successUrl)
                .setCancelUrl(cancelUrl)
                .putMetadata("user_id", user.toString())
                .setSubscriptionData(SessionCreateParams.SubscriptionData.builder().putMetadata("user_id", user.toString()).build())
                .build();
        RequestOptions.RequestOptionsBuilder options = RequestOptions.builder();
        if (idempotencyKey != null && !idempotencyKey.isBlank()) {
            // A client retrying the same checkout gets the same session (scoped to the user: keys are account-wide).
            options.setIdempotencyKey("groundwork-checkout-" + user + "-" + idempotencyKey.trim());
        }
        Session session = stripe.v1().checkout().sessions().create(params, options.build());
        return new CheckoutSession(session.getId(), session.getUrl());
    }

    @POST
    @Path("portal-sessions")
    @Consumes(MediaType.APPLICATION_JSON)
    public PortalSession portal(PortalRequest request) throws StripeException {
        String returnUrl = allowedRedirect("returnUrl", request == null ? null : request.returnUrl());
        StripeCustomer customer = StripeCustomer.<StripeCustomer>findByIdOptional(user())
                .orElseThrow(() -> new Problem(409, "No billing account", "this user has no Stripe customer yet; start a checkout first"));
        com.stripe.model.billingportal.Session session = stripe.v1().billingPortal().sessions().create(
                com.stripe.param.billingportal.SessionCreateParams.builder().setCustomer(customer.stripeCustomerId)
                        .setReturnUrl(returnUrl).build());
        return new PortalSession(session.getUrl());
    }

    @GET
    @Path("subscription")
    public SubscriptionView subscription() {
        Optional<StoredSubscription> current = StoredSubscription.currentOf(user());
        if (current.isEmpty()) {
            return new SubscriptionView(null, "none", null, false, List.of());
        }
        StoredSubscription subscription = current.get();
        boolean live = StoredSubscription.LIVE.contains(subscription.status);
        return new SubscriptionView(subscription.plan, subscription.status, subscription.currentPeriodEnd,
                subscription.cancelAtPeriodEnd, live ? plans.entitlements(subscription.plan) : List.of());
    }

    /** Newest first; {@code cursor} is the {@code nextCursor} of the page before. */
    @GET
    @Path("invoices")
    public InvoicePage invoices(@QueryParam("limit") @DefaultValue("20") int limit, @QueryParam("cursor") String cursor) {
        if (limit < 1 || limit > 100) {
            throw new Problem(400, "Bad limit", "limit must be between 1 and 100");
        }
        UUID user = user();
        // range() is inclusive: one row more than the page tells whether there is a next one.
        List<StoredInvoice> page;
        if (cursor == null) {
            page = StoredInvoice.find("userId", Sort.descending("created", "id"), user).range(0, limit).list();
        } else {
            StoredInvoice after = StoredInvoice.<StoredInvoice>findByIdOptional(cursor).filter(i -> user.equals(i.userId))
                    .orElseThrow(() -> new Problem(400, "Bad cursor", "cursor is not an invoice of this user"));
            page = StoredInvoice.find("userId = ?1 and (created < ?2 or (created = ?2 and id < ?3))", Sort.descending("created", "id"),
                    user, after.created, after.id).range(0, limit).list();
        }
        boolean hasMore = page.size() > limit;
        List<StoredInvoice> shown = hasMore ? page.subList(0, limit) : page;
        return new InvoicePage(shown.stream().map(i -> new InvoiceView(i.id, i.number, i.status, i.amountDue, i.amountPaid,
                i.currency, i.hostedInvoiceUrl, i.created)).toList(), hasMore, hasMore ? shown.get(shown.size() - 1).id : null);
    }

    private String price(CheckoutRequest request) {
        if (request.plan() != null && request.price() != null) {
            throw new Problem(400, "Bad request", "give plan or price, not both");
        }
        if (request.plan() != null) {
            return plans.checkoutPrice(request.plan())
                    .orElseThrow(() -> new Problem(400, "Unknown plan", "no plan " + request.plan() + " in the catalogue"));
        }
        if (request.price() != null) {
            if (!plans.knows(request.price())) {
                throw new Problem(400, "Unknown price", "price " + request.price() + " is in no plan of the catalogue");
            }
            return request.price();
        }
        throw new Problem(400, "Bad request", "plan or price is needed");
    }

    /** Only URLs under an allowed origin: anything else would make Stripe an open redirect for us. */
    private String allowedRedirect(String field, String url) {
        if (url == null || url.isBlank()) {
            throw new Problem(400, "Bad request", field + " is needed");
        }
        URI uri;
        try {
            uri = URI.create(url).normalize();
        } catch (IllegalArgumentException e) {
            throw new Problem(400, "Bad " + field, field + " is not a URL");
        }
        if (uri.getScheme() == null || uri.getHost() == null || uri.getUserInfo() != null) {
            throw new Problem(400, "Bad " + field, field + " must be an absolute http(s) URL");
        }
        String origin = uri.getScheme().toLowerCase() + "://" + uri.getHost().toLowerCase() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        List<String> origins = config.redirectOrigins().orElse(List.of());
        if (origins.isEmpty()) {
            throw new Problem(400, "Redirect not allowed", "this service has no payment.redirect-origins configured");
        }
        boolean allowed = origins.stream().map(o -> o.replaceAll("/+$", "").toLowerCase()).anyMatch(origin::equals);
        if (!allowed) {
            throw new Problem(400, "Redirect not allowed", field + " must lie under one of payment.redirect-origins");
        }
        return uri.toString();
    }

    private UUID user() {
        try {
            return UUID.fromString(token.getSubject());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new Problem(403, "Forbidden", "this API is for users; the token's subject is not a user id");
        }
    }
}
