package dev.groundwork.payment.service;

import com.stripe.exception.StripeException;

/** A Stripe call failed: what we were doing, with Stripe's exception as the cause (mapped to problem+json). */
public class StripeCallFailed extends RuntimeException {

    public StripeCallFailed(String doing, StripeException cause) {
        super(doing + " failed: " + cause.getClass().getSimpleName() + " " + cause.getCode() + " (HTTP " + cause.getStatusCode()
                + ", Stripe request " + cause.getRequestId() + ")", cause);
    }

    public StripeException stripeException() {
        return (StripeException) getCause();
    }
}
