package dev.groundwork.payment.service;

/**
 * The titles of payment-service's problem+json answers, in one place: services throw them as
 * {@link dev.groundwork.http.Problem}, the exception mappers answer with them, and tests and clients can rely on
 * them staying the same.
 */
public final class BillingErrors {

    public static final String BAD_REQUEST = "Bad request";
    public static final String BODY_TOO_LARGE = "Body too large";
    public static final String UNKNOWN_PLAN = "Unknown plan";
    public static final String UNKNOWN_PRICE = "Unknown price";
    public static final String BAD_LIMIT = "Bad limit";
    public static final String BAD_CURSOR = "Bad cursor";
    public static final String REDIRECT_NOT_ALLOWED = "Redirect not allowed";
    public static final String NO_BILLING_ACCOUNT = "No billing account";
    public static final String USER_DELETED = "User deleted";
    public static final String NO_SUCH_EVENT = "No such event";
    public static final String WEBHOOK_REFUSED = "Webhook refused";
    public static final String RECONCILIATION_RUNNING = "Reconciliation running";

    public static final String UNAUTHORIZED = "Unauthorized";
    public static final String FORBIDDEN = "Forbidden";
    public static final String INTERNAL_ERROR = "Internal error";

    /** Stripe's failures, in our words (never Stripe's message: it can quote parameters or a masked key). */
    public static final String PAYMENT_DECLINED = "Payment declined";
    public static final String STRIPE_UNAVAILABLE = "Stripe unavailable";
    public static final String PROVIDER_MISCONFIGURED = "Payment provider misconfigured";
    public static final String PROVIDER_REFUSED = "Payment provider refused the request";
    public static final String PROVIDER_ERROR = "Payment provider error";

    private BillingErrors() {
    }
}
