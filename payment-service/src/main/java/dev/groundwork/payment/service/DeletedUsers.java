package dev.groundwork.payment.service;

import com.stripe.StripeClient;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.Subscription;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerUpdateParams;
import com.stripe.param.SubscriptionListParams;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.common.EmptyParam;
import dev.groundwork.payment.repository.DeletedUser;
import dev.groundwork.payment.repository.InboxEvent;
import dev.groundwork.payment.repository.StoredSubscription;
import dev.groundwork.payment.repository.StripeCustomer;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * What a user's deletion in auth-service means for billing. The user has paid for the current period, so their
 * live subscriptions end with it ({@code cancel_at_period_end}) instead of at once; the Stripe customer keeps its
 * invoices and charges (accounting) but loses its personal data; and so do our rows. Every Stripe call carries an
 * idempotency key derived from the event, so a retry after a failure or a crash repeats nothing.
 */
@ApplicationScoped
public class DeletedUsers {

    /** The metadata that marks a customer whose user was deleted. */
    static final String USER_DELETED_METADATA = "user_deleted";

    @Inject
    StripeClient stripe;
    @Inject
    EntityManager entityManager;

    /**
     * Closes the user's billing, in the caller's transaction (the consumer's). A Stripe failure throws, nothing is
     * stored, and the event is delivered again.
     */
    @Transactional
    public void close(UUID userId, String eventId) {
        Customers.lock(entityManager, userId);
        if (DeletedUser.isDeleted(userId)) {
            return;
        }
        StripeCustomer customer = StripeCustomer.findById(userId);
        if (customer != null) {
            int ending = endSubscriptions(customer.stripeCustomerId, eventId);
            eraseCustomer(customer.stripeCustomerId, eventId);
            // The row stays: it ties the customer's invoices, charges and last webhooks to the user.
            customer.email = null;
            int redacted = InboxEvent.redactMentioning(customer.stripeCustomerId);
            Log.infof("User %s deleted: %d subscription(s) of Stripe customer %s end with their period, the customer's personal"
                    + " data is cleared, %d stored event(s) redacted", userId, ending, customer.stripeCustomerId, redacted);
        } else {
            Log.infof("User %s deleted: no Stripe customer, nothing to close", userId);
        }
        DeletedUser deleted = new DeletedUser();
        deleted.userId = userId;
        deleted.deletedAt = OffsetDateTime.now();
        deleted.persist();
    }

    /** Sets {@code cancel_at_period_end} on every live subscription that does not have it yet; returns how many end. */
    private int endSubscriptions(String customerId, String eventId) {
        int ending = 0;
        try {
            // Without a status filter Stripe lists every subscription that is not canceled.
            for (Subscription subscription : stripe.v1().subscriptions().list(SubscriptionListParams.builder()
                    .setCustomer(customerId).setLimit(100L).build()).autoPagingIterable()) {
                if (!StoredSubscription.LIVE.contains(subscription.getStatus())) {
                    continue;
                }
                ending++;
                if (!Boolean.TRUE.equals(subscription.getCancelAtPeriodEnd())) {
                    stripe.v1().subscriptions().update(subscription.getId(),
                            SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(true).build(),
                            idempotent(eventId, subscription.getId()));
                }
            }
        } catch (StripeException e) {
            throw new StripeCallFailed("ending the subscriptions of customer " + customerId, e);
        }
        return ending;
    }

    /** Unsets every personal field of the customer (an empty string unsets a field at Stripe) and marks it. */
    private void eraseCustomer(String customerId, String eventId) {
        try {
            stripe.v1().customers().update(customerId, CustomerUpdateParams.builder()
                    .setEmail(EmptyParam.EMPTY)
                    .setName(EmptyParam.EMPTY)
                    .setPhone(EmptyParam.EMPTY)
                    .setAddress(EmptyParam.EMPTY)
                    .setShipping(EmptyParam.EMPTY)
                    .setDescription(EmptyParam.EMPTY)
                    // Our customer row maps the customer to the user; Stripe need not know whose it was.
                    .putMetadata(Customers.USER_ID_METADATA, "")
                    .putMetadata(USER_DELETED_METADATA, "true")
                    .build(), idempotent(eventId, customerId));
        } catch (InvalidRequestException e) {
            if (!"resource_missing".equals(e.getCode())) {
                throw new StripeCallFailed("clearing customer " + customerId, e);
            }
            Log.infof("Stripe customer %s was deleted at Stripe already: nothing to clear", customerId);
        } catch (StripeException e) {
            throw new StripeCallFailed("clearing customer " + customerId, e);
        }
    }

    /** The same event touching the same object sends the same key; Stripe answers a repeat from its record (24 h). */
    private static RequestOptions idempotent(String eventId, String stripeId) {
        return RequestOptions.builder().setIdempotencyKey("groundwork-user-deleted-" + eventId + "-" + stripeId).build();
    }
}
