package dev.groundwork.payment.service;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import dev.groundwork.payment.events.BillingEvents;
import dev.groundwork.payment.repository.DeletedUser;
import dev.groundwork.payment.repository.StripeCustomer;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.util.Optional;
import java.util.UUID;

/**
 * One Stripe customer per user. Created with an idempotency key derived from the user id, so that a redelivered
 * {@code user.registered}, a checkout racing it, or a retry after a crash all end with the same customer; never
 * for a user auth-service deleted ({@link DeletedUsers}).
 */
@ApplicationScoped
public class Customers {

    /** The metadata key that ties a Stripe customer, checkout session or subscription to our user. */
    public static final String USER_ID_METADATA = "user_id";

    @Inject
    StripeClient stripe;
    @Inject
    EntityManager entityManager;
    @Inject
    BillingEvents events;

    /**
     * The user's Stripe customer id, created (and {@code customer.created} published) when there is none yet; empty
     * for a deleted user.
     */
    @Transactional
    public Optional<String> ensure(UUID userId, String email) {
        lock(entityManager, userId);
        if (DeletedUser.isDeleted(userId)) {
            return Optional.empty();
        }
        StripeCustomer existing = StripeCustomer.findById(userId);
        if (existing != null) {
            return Optional.of(existing.stripeCustomerId);
        }
        Customer created;
        try {
            created = stripe.v1().customers().create(CustomerCreateParams.builder()
                            .setEmail(email)
                            .putMetadata(USER_ID_METADATA, userId.toString())
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
        return Optional.of(created.getId());
    }

    /** Serialises the work on one user's customer (creation, deletion) across replicas until the transaction ends. */
    static void lock(EntityManager entityManager, UUID userId) {
        // Concurrent callers for one user wait here, and the second finds the first's row.
        TransactionLocks.hold(entityManager, "customer:" + userId);
    }

    /** Stripe keeps idempotency keys for 24 h: within that, the same key returns the same customer. */
    static String idempotencyKey(UUID userId) {
        return "groundwork-customer-" + userId;
    }
}
