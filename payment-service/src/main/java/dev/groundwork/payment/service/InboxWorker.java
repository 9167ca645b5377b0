package dev.groundwork.payment.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.exception.StripeException;
import com.stripe.model.checkout.Session;
import dev.groundwork.payment.config.PaymentConfig;
import dev.groundwork.payment.config.StripeConfig;
import dev.groundwork.payment.events.BillingEvents;
import dev.groundwork.payment.repository.InboxEvent;
import dev.groundwork.payment.repository.StoredInvoice;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Processes inbox rows, each in its own transaction: the object re-fetched from Stripe, stored, and the fleet's
 * events written to the outbox, all committed together with the row's new state. A row that fails (Stripe down,
 * a bug) keeps its event and is tried again with a doubling backoff; several replicas share the work
 * ({@code FOR UPDATE SKIP LOCKED}).
 */
@ApplicationScoped
public class InboxWorker {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The event types that mean something to us (reconciliation asks Stripe for these only; at most 20). */
    public static final List<String> HANDLED_TYPES = List.of("checkout.session.completed",
            "checkout.session.async_payment_succeeded", "checkout.session.async_payment_failed",
            "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
            "customer.subscription.trial_will_end", "customer.subscription.paused", "customer.subscription.resumed",
            "invoice.paid", "invoice.payment_failed", "invoice.payment_action_required", "invoice.created", "invoice.finalized",
            "invoice.updated", "invoice.voided", "invoice.marked_uncollectible", "charge.refunded", "charge.dispute.created");
    private static final List<String> STATES = List.of(InboxEvent.PENDING, InboxEvent.PROCESSED, InboxEvent.IGNORED, InboxEvent.FAILED);
    /** The states of rows still to do: the gauges, counted on every poll from the partial index of due rows. */
    private static final List<String> OPEN_STATES = List.of(InboxEvent.PENDING, InboxEvent.FAILED);

    @Inject
    StripeConfig stripeConfig;
    @Inject
    StripeSync sync;
    @Inject
    BillingEvents events;
    @Inject
    EntityManager entityManager;
    @Inject
    PaymentConfig config;
    @Inject
    MeterRegistry meters;

    private final Map<String, Long> openRows = new ConcurrentHashMap<>();

    void registerGauges(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent start) {
        if (stripeConfig.secretKey().isEmpty()) {
            Log.info("No STRIPE_SECRET_KEY: Stripe webhooks are verified and stored, and wait in the inbox until a key is set");
        }
        for (String state : OPEN_STATES) {
            Gauge.builder("payment.inbox.rows", openRows, rows -> rows.getOrDefault(state, 0L)).tag("state", state)
                    .description("Inbox rows still to do, by state, as of the worker's last poll").register(meters);
        }
    }

    @Scheduled(every = "${payment.inbox.poll-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        // Every row needs Stripe's current objects: without a key, rows wait (pending) instead of failing.
        if (stripeConfig.secretKey().isPresent()) {
            drain();
        }
        // Not the whole inbox (it keeps every event): only what the partial index of due rows covers.
        openRows.putAll(count(OPEN_STATES));
    }

    /** Processes every due row; returns how many were tried. */
    public int drain() {
        int tried = 0;
        List<String> previous = List.of();
        while (true) {
            List<String> due = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery("""
                    SELECT id FROM billing.stripe_event WHERE state IN ('pending', 'failed') AND next_attempt_at <= now()
                    ORDER BY received_at, id LIMIT 100""", String.class).getResultList());
            if (due.isEmpty() || due.equals(previous)) {
                return tried; // nothing due, or only rows another replica is working on
            }
            due.forEach(this::process);
            tried += due.size();
            previous = due;
        }
    }

    /** Processes one row now (also a replay from the admin API): true when it ended processed or ignored. */
    public boolean process(String id) {
        try {
            return QuarkusTransaction.requiringNew().call(() -> processLocked(id));
        } catch (Exception e) {
            Throwable cause = e;
            while (cause instanceof io.quarkus.narayana.jta.QuarkusTransactionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            Throwable failure = cause;
            QuarkusTransaction.requiringNew().run(() -> failed(id, failure));
            return false;
        }
    }

    private boolean processLocked(String id) throws Exception {
        List<?> locked = entityManager.createNativeQuery(
                "SELECT id FROM billing.stripe_event WHERE id = ?1 AND state IN ('pending', 'failed') FOR UPDATE SKIP LOCKED")
                .setParameter(1, id).getResultList();
        if (locked.isEmpty()) {
            return true; // done already, or another worker has it
        }
        InboxEvent row = InboxEvent.findById(id);
        JsonNode object = JSON.readTree(row.payload).path("data").path("object");
        String objectId = object.path("id").asText(null);
        boolean handled = objectId != null && handle(row.type, objectId);
        row.state = handled ? InboxEvent.PROCESSED : InboxEvent.IGNORED;
        row.attempts++;
        row.lastError = objectId == null ? "the event carries no data.object.id" : null;
        row.processedAt = OffsetDateTime.now();
        meters.counter("payment.inbox.outcomes", "outcome", row.state).increment();
        return true;
    }

    /** What an event type means for us; false for types we store and ignore. */
    private boolean handle(String type, String objectId) throws StripeException {
        switch (type) {
            case "checkout.session.completed", "checkout.session.async_payment_succeeded" -> {
                Session session = sync.checkoutSession(objectId);
                if ("unpaid".equals(session.getPaymentStatus())) {
                    // An async payment method (e.g. SEPA) has not paid yet: async_payment_succeeded will follow.
                    Log.infof("Checkout %s completed unpaid: waiting for its async payment", objectId);
                    return true;
                }
                if (session.getSubscription() != null) {
                    sync.subscription(session.getSubscription());
                }
            }
            case "checkout.session.async_payment_failed" -> {
                Session session = sync.checkoutSession(objectId);
                sync.userOf(session.getCustomer(), session.getMetadata()).ifPresent(user -> events.paymentFailed(
                        new BillingEvents.PaymentFailed(user.toString(), session.getInvoice(),
                                session.getAmountTotal() == null ? 0 : session.getAmountTotal(), session.getCurrency(),
                                "async_payment_failed")));
            }
            case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
                 "customer.subscription.trial_will_end", "customer.subscription.paused", "customer.subscription.resumed" ->
                    sync.subscription(objectId);
            case "invoice.paid" -> {
                StoredInvoice invoice = sync.invoice(objectId);
                if (invoice.userId != null) {
                    events.paymentSucceeded(new BillingEvents.PaymentSucceeded(invoice.userId.toString(), invoice.id,
                            invoice.amountPaid, invoice.currency));
                }
            }
            case "invoice.payment_failed", "invoice.payment_action_required" -> {
                StoredInvoice invoice = sync.invoice(objectId);
                if (invoice.userId != null) {
                    events.paymentFailed(new BillingEvents.PaymentFailed(invoice.userId.toString(), invoice.id, invoice.amountDue,
                            invoice.currency, type.equals("invoice.payment_failed") ? "payment_failed" : "action_required"));
                }
            }
            case "invoice.created", "invoice.finalized", "invoice.updated", "invoice.voided", "invoice.marked_uncollectible" ->
                    sync.invoice(objectId);
            case "charge.refunded" -> sync.charge(objectId);
            case "charge.dispute.created" -> sync.dispute(objectId);
            default -> {
                return false;
            }
        }
        return true;
    }

    private void failed(String id, Throwable failure) {
        InboxEvent row = InboxEvent.findById(id);
        if (row == null) {
            return;
        }
        row.attempts++;
        row.state = InboxEvent.FAILED;
        long backoff = Math.min(config.inbox().maxRetryBackoff().toMillis(),
                config.inbox().retryBackoff().toMillis() << Math.min(20, row.attempts - 1));
        row.nextAttemptAt = OffsetDateTime.now().plus(Duration.ofMillis(backoff));
        row.lastError = Redaction.redact(describe(failure));
        meters.counter("payment.inbox.outcomes", "outcome", InboxEvent.FAILED).increment();
        Log.warnf("Stripe event %s (%s) failed, attempt %d, next in %d ms: %s", id, row.type, row.attempts, backoff, row.lastError);
    }

    private static String describe(Throwable failure) {
        if (failure instanceof StripeException e) {
            return "Stripe " + StripeCallFailed.describe(e);
        }
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    /** Inbox rows by state (every state), for the admin API. */
    public Map<String, Long> counts() {
        return count(STATES);
    }

    private Map<String, Long> count(List<String> states) {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = entityManager.createNativeQuery(
                    "SELECT state, count(*) FROM billing.stripe_event WHERE state IN (?1) GROUP BY state")
                    .setParameter(1, states).getResultList();
            Map<String, Long> counts = new java.util.HashMap<>();
            states.forEach(state -> counts.put(state, 0L));
            rows.forEach(row -> counts.put((String) row[0], ((Number) row[1]).longValue()));
            return counts;
        });
    }

}
