package dev.groundwork.payment.service;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Charge;
import com.stripe.model.Invoice;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import com.stripe.model.checkout.Session;
import dev.groundwork.payment.events.BillingEvents;
import dev.groundwork.payment.repository.StoredCharge;
import dev.groundwork.payment.repository.StoredInvoice;
import dev.groundwork.payment.repository.StoredSubscription;
import dev.groundwork.payment.repository.StripeCustomer;
import dev.groundwork.payment.repository.UnknownPrice;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Brings one Stripe object into our tables from Stripe's API, never from a webhook payload: events arrive in
 * any order and more than once, and the API's current state is the one that wins. Each object is locked (an
 * advisory lock on its id) from the fetch to the commit, so two workers cannot write an older fetch last.
 * Changes that the fleet cares about go to the outbox in the same transaction.
 */
@ApplicationScoped
public class StripeSync {

    @Inject
    StripeClient stripe;
    @Inject
    EntityManager entityManager;
    @Inject
    Plans plans;
    @Inject
    BillingEvents events;
    @Inject
    MeterRegistry meters;

    /** Re-fetches a subscription and stores it; publishes {@code subscription.changed} when what users see changed. */
    @Transactional(Transactional.TxType.MANDATORY)
    public StoredSubscription subscription(String subscriptionId) throws StripeException {
        lock(subscriptionId);
        Subscription current = stripe.v1().subscriptions().retrieve(subscriptionId);
        SubscriptionItem item = current.getItems() == null || current.getItems().getData().isEmpty() ? null
                : current.getItems().getData().get(0);
        String priceId = item == null || item.getPrice() == null ? null : item.getPrice().getId();
        String plan = plans.planOf(priceId).orElse(null);
        if (priceId != null && plan == null) {
            unknownPrice(priceId, subscriptionId);
        }
        StoredSubscription stored = StoredSubscription.findById(subscriptionId);
        boolean created = stored == null;
        if (created) {
            stored = new StoredSubscription();
            stored.id = subscriptionId;
        }
        OffsetDateTime periodEnd = item == null ? null : time(item.getCurrentPeriodEnd());
        boolean cancelAtPeriodEnd = Boolean.TRUE.equals(current.getCancelAtPeriodEnd());
        boolean changed = created || !Objects.equals(stored.status, current.getStatus()) || !Objects.equals(stored.plan, plan)
                || !Objects.equals(stored.priceId, priceId) || !Objects.equals(stored.currentPeriodEnd, periodEnd)
                || stored.cancelAtPeriodEnd != cancelAtPeriodEnd;
        stored.stripeCustomerId = current.getCustomer();
        stored.userId = userOf(current.getCustomer(), current.getMetadata()).orElse(stored.userId);
        stored.status = current.getStatus();
        stored.priceId = priceId;
        stored.plan = plan;
        stored.currentPeriodEnd = periodEnd;
        stored.cancelAtPeriodEnd = cancelAtPeriodEnd;
        stored.syncedAt = OffsetDateTime.now();
        stored.persist();
        if (changed) {
            if (stored.userId == null) {
                Log.warnf("Subscription %s of customer %s belongs to no known user: stored, no event", subscriptionId,
                        current.getCustomer());
            } else {
                events.subscriptionChanged(new BillingEvents.SubscriptionChanged(stored.userId.toString(), subscriptionId, plan,
                        stored.status, periodEnd == null ? null : periodEnd.toInstant().toString(), cancelAtPeriodEnd,
                        plans.entitlements(plan)));
            }
        }
        return stored;
    }

    /** Re-fetches an invoice and stores it, and its subscription (a paid invoice moves the period on). */
    @Transactional(Transactional.TxType.MANDATORY)
    public StoredInvoice invoice(String invoiceId) throws StripeException {
        lock(invoiceId);
        Invoice current = stripe.v1().invoices().retrieve(invoiceId);
        StoredInvoice stored = StoredInvoice.findById(invoiceId);
        if (stored == null) {
            stored = new StoredInvoice();
            stored.id = invoiceId;
        }
        String subscriptionId = current.getParent() == null || current.getParent().getSubscriptionDetails() == null ? null
                : current.getParent().getSubscriptionDetails().getSubscription();
        stored.stripeCustomerId = current.getCustomer();
        stored.userId = userOf(current.getCustomer(), current.getMetadata()).orElse(stored.userId);
        stored.subscriptionId = subscriptionId;
        stored.number = current.getNumber();
        stored.status = current.getStatus();
        stored.amountDue = current.getAmountDue() == null ? 0 : current.getAmountDue();
        stored.amountPaid = current.getAmountPaid() == null ? 0 : current.getAmountPaid();
        stored.currency = current.getCurrency();
        stored.hostedInvoiceUrl = current.getHostedInvoiceUrl();
        stored.created = time(current.getCreated());
        stored.syncedAt = OffsetDateTime.now();
        stored.persist();
        if (subscriptionId != null) {
            subscription(subscriptionId);
        }
        return stored;
    }

    /** Re-fetches a charge (after a refund or a dispute) and stores it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public StoredCharge charge(String chargeId) throws StripeException {
        lock(chargeId);
        Charge current = stripe.v1().charges().retrieve(chargeId);
        StoredCharge stored = StoredCharge.findById(chargeId);
        if (stored == null) {
            stored = new StoredCharge();
            stored.id = chargeId;
        }
        stored.stripeCustomerId = current.getCustomer();
        stored.userId = userOf(current.getCustomer(), current.getMetadata()).orElse(stored.userId);
        stored.amount = current.getAmount() == null ? 0 : current.getAmount();
        stored.amountRefunded = current.getAmountRefunded() == null ? 0 : current.getAmountRefunded();
        stored.currency = current.getCurrency();
        stored.status = current.getStatus();
        stored.refunded = Boolean.TRUE.equals(current.getRefunded());
        stored.disputed = Boolean.TRUE.equals(current.getDisputed());
        stored.syncedAt = OffsetDateTime.now();
        stored.persist();
        return stored;
    }

    /** The charge a dispute is about. */
    @Transactional(Transactional.TxType.MANDATORY)
    public StoredCharge dispute(String disputeId) throws StripeException {
        return charge(stripe.v1().disputes().retrieve(disputeId).getCharge());
    }

    /** Re-fetches a Checkout session; what it means depends on the event, so the caller decides. */
    public Session checkoutSession(String sessionId) throws StripeException {
        return stripe.v1().checkout().sessions().retrieve(sessionId);
    }

    /** The user of a customer: our mapping, else the {@code user_id} metadata that checkout put on the object. */
    public Optional<UUID> userOf(String customerId, Map<String, String> metadata) {
        Optional<UUID> mapped = customerId == null ? Optional.empty()
                : StripeCustomer.byCustomerId(customerId).map(customer -> customer.userId);
        if (mapped.isPresent() || metadata == null || metadata.get(Customers.USER_ID_METADATA) == null) {
            return mapped;
        }
        try {
            return Optional.of(UUID.fromString(metadata.get(Customers.USER_ID_METADATA)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private void unknownPrice(String priceId, String subscriptionId) {
        UnknownPrice.sighted(priceId);
        meters.counter("payment.unknown.prices").increment();
        Log.warnf("Subscription %s has price %s, which no plan of payment.plans lists: kept without a plan", subscriptionId, priceId);
    }

    private void lock(String stripeId) {
        TransactionLocks.hold(entityManager, "stripe:" + stripeId);
    }

    private static OffsetDateTime time(Long epochSeconds) {
        return epochSeconds == null ? null : Instant.ofEpochSecond(epochSeconds).atOffset(ZoneOffset.UTC);
    }
}
