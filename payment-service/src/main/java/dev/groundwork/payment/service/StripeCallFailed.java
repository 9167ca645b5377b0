package dev.groundwork.payment.service;

import com.stripe.exception.StripeException;

/** A Stripe call failed: what we were doing, with Stripe's exception as the cause (mapped to problem+json). */
public class StripeCallFailed extends RuntimeException {

    public StripeCallFailed(String doing, StripeException cause) {
        super(doing + " failed: " + describe(cause), cause);
    }

    /** What a Stripe failure was, for logs and stored errors: the exception, Stripe's code, HTTP status and request id. */
    public static String describe(StripeException e) {
        return Redaction.redact(e.getClass().getSimpleName() + " " + e.getCode() + " (HTTP " + e.getStatusCode()
                + ", Stripe request " + e.getRequestId() + ")");
    }

    public StripeException stripeException() {
        return (StripeException) getCause();
    }
}
