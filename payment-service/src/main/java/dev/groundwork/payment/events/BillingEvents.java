package dev.groundwork.payment.events;

import dev.groundwork.events.quarkus.Events;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.UUID;

/**
 * The events payment-service publishes on {@code events:billing} (docs/events.md), in the caller's transaction. Their
 * data records are written by libs/events' ObjectMapper, outside Quarkus REST: registered for the native image.
 */
@ApplicationScoped
public class BillingEvents {

    public static final String CUSTOMER_CREATED = "dev.groundwork.billing.customer.created.v1";
    public static final String SUBSCRIPTION_CHANGED = "dev.groundwork.billing.subscription.changed.v1";
    public static final String PAYMENT_SUCCEEDED = "dev.groundwork.billing.payment.succeeded.v1";
    public static final String PAYMENT_FAILED = "dev.groundwork.billing.payment.failed.v1";

    @RegisterForReflection
    public record CustomerCreated(String userId, String customerId) {
    }

    /** {@code currentPeriodEnd} is ISO-8601; {@code plan} is null for a price in no plan. */
    @RegisterForReflection
    public record SubscriptionChanged(String userId, String subscriptionId, String plan, String status, String currentPeriodEnd,
                                      boolean cancelAtPeriodEnd, List<String> entitlements) {
    }

    @RegisterForReflection
    public record PaymentSucceeded(String userId, String invoiceId, long amount, String currency) {
    }

    @RegisterForReflection
    public record PaymentFailed(String userId, String invoiceId, long amount, String currency, String reason) {
    }

    @Inject
    Events events;

    public void customerCreated(UUID userId, String customerId) {
        events.publish(CUSTOMER_CREATED, userId.toString(), new CustomerCreated(userId.toString(), customerId));
    }

    public void subscriptionChanged(SubscriptionChanged change) {
        events.publish(SUBSCRIPTION_CHANGED, change.userId(), change);
    }

    public void paymentSucceeded(PaymentSucceeded payment) {
        events.publish(PAYMENT_SUCCEEDED, payment.userId(), payment);
    }

    public void paymentFailed(PaymentFailed payment) {
        events.publish(PAYMENT_FAILED, payment.userId(), payment);
    }
}
