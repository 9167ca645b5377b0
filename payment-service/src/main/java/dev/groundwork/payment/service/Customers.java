package dev.groundwork.payment.service;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import dev.groundwork.payment.events.BillingEvents;
import dev.groundwork.payment.repository.StripeCustomer;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.util.UUID;

/**
 * One Stripe customer per user. Created with an idempotency key derived from the user id, so that a redelivered
 * {@code user.registered}, a checkout racing it, or a retry after a crash all end with the same customer.
 */
@ApplicationScoped
public class Customers {

    @Inject
    StripeClient stripe;
    @Inject
    EntityManager entityManager;
    @Inject
    BillingEvents events;

    /** The user's Stripe customer id, created (and {@code customer.created} published) when there is none yet. */
    @Transactional
    public String ensure(UUID userId, String email) {
        // Concurrent callers for one user wait here, and the second finds the first's row.
        TransactionLocks.hold(entityManager, "customer:" + userId);
        StripeCustomer existing = StripeCustomer.findById(userId);
        if (existing != null) {
            return existing.stripeCustomerId;
        }
        Customer created;
        try {
            created = stripe.v1().customers().create(CustomerCreateParams.builder()
                            .setEmail(email)
                            .putMetadata("user_id", userId.toString())
                            .build(),
                    RequestOptions.builder().setIdempotencyKey(idempotencyKey(userId)).build());
        } catch (StripeException e) {
            throw new StripeCallFailed("creating the customer of user " + userId, e);
        }
        StripeCustomer customer = new StripeCustomer();
        customer.userId = userId;
        customer.stripeCustomerId = created.getId();
        customer.email = email;
        customer.createdAt = java.time.OffsetDateTime.now();
        customer.persist();
        events.customerCreated(userId, created.getId());
        Log.infof("Stripe customer %s created for user %s", created.getId(), userId);
        return created.getId();
    }

    /** Stripe keeps idempotency keys for 24 h: within that, the same key returns the same customer. */
    static String idempotencyKey(UUID userId) {
        return "groundwork-customer-" + userId;
    }
}
