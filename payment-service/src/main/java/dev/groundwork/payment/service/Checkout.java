package dev.groundwork.payment.service;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.checkout.SessionCreateParams;
import dev.groundwork.http.Problem;
import dev.groundwork.http.RedirectOrigins;
import dev.groundwork.payment.config.PaymentConfig;
import dev.groundwork.payment.repository.DeletedUser;
import dev.groundwork.payment.repository.StripeCustomer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Sends a user to Stripe: a subscription-mode Checkout session for a plan or price of the catalogue, or the customer
 * portal. The way back must lie under {@code payment.redirect-origins}: anything else would make Stripe an open
 * redirect for us. Started with the application, so a misconfigured origin stops the start.
 */
@Startup
@ApplicationScoped
public class Checkout {

    static final String REDIRECT_ORIGINS_PROPERTY = "payment.redirect-origins";

    /** Either a plan of the catalogue or one of its prices; the URLs must lie under {@code payment.redirect-origins}. */
    public record CheckoutRequest(String plan, String price, String successUrl, String cancelUrl) {
    }

    public record CheckoutSession(String id, String url) {
    }

    public record PortalSession(String url) {
    }

    private final StripeClient stripe;
    private final Customers customers;
    private final Plans plans;
    private final RedirectOrigins redirects;

    @Inject
    public Checkout(StripeClient stripe, Customers customers, Plans plans, PaymentConfig config) {
        this.stripe = stripe;
        this.customers = customers;
        this.plans = plans;
        this.redirects = redirectOrigins(config.redirectOrigins());
    }

    /** The configured origins, or a start that fails naming the property. */
    static RedirectOrigins redirectOrigins(Optional<List<String>> configured) {
        try {
            return RedirectOrigins.of(configured.orElse(List.of()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(REDIRECT_ORIGINS_PROPERTY + " (PAYMENT_REDIRECT_ORIGINS): " + e.getMessage()
                    + "; give origins such as https://app.example.com, comma-separated");
        }
    }

    /**
     * A Checkout session for the user's customer (created on the spot if missing). A client's idempotency key makes a
     * retry return the same session.
     */
    public CheckoutSession checkout(UUID user, String email, CheckoutRequest request, String idempotencyKey) throws StripeException {
        String price = price(request);
        String successUrl = redirect("successUrl", request.successUrl());
        String cancelUrl = redirect("cancelUrl", request.cancelUrl());
        String customer = customers.ensure(user, email).orElseThrow(Checkout::deleted);
        SessionCreateParams params = SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                .setCustomer(customer)
                .setClientReferenceId(user.toString())
                .addLineItem(SessionCreateParams.LineItem.builder().setPrice(price).setQuantity(1L).build())
                .setSuccessUrl(successUrl)
                .setCancelUrl(cancelUrl)
                .putMetadata(Customers.USER_ID_METADATA, user.toString())
                .setSubscriptionData(SessionCreateParams.SubscriptionData.builder()
                        .putMetadata(Customers.USER_ID_METADATA, user.toString()).build())
                .build();
        RequestOptions.RequestOptionsBuilder options = RequestOptions.builder();
        if (idempotencyKey != null && !idempotencyKey.isBlank()) {
            // A client retrying the same checkout gets the same session (scoped to the user: keys are account-wide).
            options.setIdempotencyKey("groundwork-checkout-" + user + "-" + idempotencyKey.trim());
        }
        Session session = stripe.v1().checkout().sessions().create(params, options.build());
        return new CheckoutSession(session.getId(), session.getUrl());
    }

    /** Stripe's customer portal for the user's customer; 409 when there is none yet, 403 for a deleted user. */
    public PortalSession portal(UUID user, String returnUrl) throws StripeException {
        String back = redirect("returnUrl", returnUrl);
        if (DeletedUser.isDeleted(user)) {
            throw deleted();
        }
        StripeCustomer customer = StripeCustomer.<StripeCustomer>findByIdOptional(user).orElseThrow(() -> new Problem(409,
                BillingErrors.NO_BILLING_ACCOUNT, "this user has no Stripe customer yet; start a checkout first"));
        com.stripe.model.billingportal.Session session = stripe.v1().billingPortal().sessions().create(
                com.stripe.param.billingportal.SessionCreateParams.builder().setCustomer(customer.stripeCustomerId)
                        .setReturnUrl(back).build());
        return new PortalSession(session.getUrl());
    }

    private String price(CheckoutRequest request) {
        if (request.plan() != null && request.price() != null) {
            throw new Problem(400, BillingErrors.BAD_REQUEST, "give plan or price, not both");
        }
        if (request.plan() != null) {
            return plans.checkoutPrice(request.plan())
                    .orElseThrow(() -> new Problem(400, BillingErrors.UNKNOWN_PLAN, "no plan " + request.plan() + " in the catalogue"));
        }
        if (request.price() != null) {
            if (!plans.knows(request.price())) {
                throw new Problem(400, BillingErrors.UNKNOWN_PRICE, "price " + request.price() + " is in no plan of the catalogue");
            }
            return request.price();
        }
        throw new Problem(400, BillingErrors.BAD_REQUEST, "plan or price is needed");
    }

    private String redirect(String field, String url) {
        if (url == null || url.isBlank()) {
            throw new Problem(400, BillingErrors.BAD_REQUEST, field + " is needed");
        }
        if (redirects.isEmpty()) {
            throw new Problem(400, BillingErrors.REDIRECT_NOT_ALLOWED, "this service has no " + REDIRECT_ORIGINS_PROPERTY + " configured");
        }
        return redirects.check(url).orElseThrow(() -> new Problem(400, BillingErrors.REDIRECT_NOT_ALLOWED,
                field + " must be an absolute http(s) URL without user info under one of " + REDIRECT_ORIGINS_PROPERTY));
    }

    private static Problem deleted() {
        return new Problem(403, BillingErrors.USER_DELETED, "this user was deleted; billing is closed");
    }
}
