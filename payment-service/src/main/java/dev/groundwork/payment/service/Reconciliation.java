package dev.groundwork.payment.service;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Event;
import com.stripe.model.StripeCollection;
import com.stripe.param.EventListParams;
import dev.groundwork.payment.config.PaymentConfig;
import dev.groundwork.payment.config.StripeConfig;
import dev.groundwork.http.Problem;
import dev.groundwork.payment.repository.StoredSubscription;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Self-healing: reads Stripe's event list since the last run and puts every event the inbox lacks into it (a
 * webhook that never arrived is repaired without anyone acting), then re-fetches every live subscription (a
 * change whose events were lost is caught too). One replica at a time: see {@link #run()}.
 */
@ApplicationScoped
public class Reconciliation {

    /** What one run did. */
    public record Outcome(int eventsRead, int eventsAdded, int subscriptionsSwept, int sweepFailures) {
    }

    /** Stripe's list is eventually consistent: each run reads the last five minutes again (duplicates are free). */
    private static final long OVERLAP_SECONDS = 300;
    /** Stripe keeps events for 30 days. */
    private static final Duration RETENTION = Duration.ofDays(30);
    /** The advisory lock one run holds: pg_try_advisory_xact_lock(hashtext(this)). */
    static final String LOCK = "billing.reconciliation";

    @Inject
    StripeClient stripe;
    @Inject
    Inbox inbox;
    @Inject
    InboxWorker worker;
    @Inject
    StripeSync sync;
    @Inject
    EntityManager entityManager;
    @Inject
    PaymentConfig config;
    @Inject
    StripeConfig stripeConfig;
    @Inject
    AgroalDataSource dataSource;

    @Scheduled(every = "${payment.reconciliation.every}", delayed = "${payment.reconciliation.first-delay}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (stripeConfig.secretKey().isEmpty()) {
            Log.debug("No STRIPE_SECRET_KEY: reconciliation skipped");
            return;
        }
        try {
            Outcome outcome = run();
            Log.infof("Reconciliation: %s", outcome);
        } catch (AlreadyRunning e) {
            Log.debug("Reconciliation skipped: another replica is running it");
        } catch (StripeException e) {
            Log.warnf("Reconciliation could not read Stripe's events: %s; next run in %s", StripeCallFailed.describe(e),
                    config.reconciliation().every());
        }
    }

    /**
     * One run, on one replica at a time: every replica's scheduler fires, and two runs at once would read Stripe's
     * events twice and race on the cursor. The run holds a transaction-scoped advisory lock on a connection of its
     * own, so the lock goes with the transaction when the run ends or the pod dies, and it works through Supabase's
     * transaction pooler, where a session lock would stay on whichever server connection took it.
     *
     * @throws AlreadyRunning (409) when another replica holds the lock
     */
    public Outcome run() throws StripeException {
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try {
                if (!tryLock(lock)) {
                    throw new AlreadyRunning();
                }
                return runLocked();
            } finally {
                lock.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the reconciliation lock could not be taken: " + e.getMessage(), e);
        }
    }

    private static boolean tryLock(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT pg_try_advisory_xact_lock(hashtext('" + LOCK + "'))")) {
            return result.next() && result.getBoolean(1);
        }
    }

    /** Another replica is reconciling right now. */
    public static final class AlreadyRunning extends Problem {
        AlreadyRunning() {
            super(409, BillingErrors.RECONCILIATION_RUNNING, "another replica is reconciling right now; its outcome is in its log");
        }
    }

    private Outcome runLocked() throws StripeException {
        int[] read = {0};
        int added;
        try {
            added = QuarkusTransaction.requiringNew().call(() -> readEvents(read));
        } catch (io.quarkus.narayana.jta.QuarkusTransactionException e) {
            if (e.getCause() instanceof StripeException stripeFailure) {
                throw stripeFailure;
            }
            throw e;
        }
        worker.drain();
        int swept = 0;
        int failures = 0;
        List<String> live = QuarkusTransaction.requiringNew().call(() -> StoredSubscription.live().stream().map(s -> s.id).toList());
        for (String id : live) {
            try {
                QuarkusTransaction.requiringNew().call(() -> sync.subscription(id));
                swept++;
            } catch (RuntimeException e) {
                failures++;
                Log.warnf("Sweep of subscription %s failed: %s", id, Redaction.redact(e.getMessage()));
            }
        }
        return new Outcome(read[0], added, swept, failures);
    }

    private int readEvents(int[] read) throws StripeException, Inbox.Refused {
        long now = Instant.now().getEpochSecond();
        List<?> cursor = entityManager.createNativeQuery("SELECT last_created FROM billing.reconciliation_cursor WHERE name = 'events'")
                .getResultList();
        long from = cursor.isEmpty() ? now - config.reconciliation().firstLookBack().toSeconds()
                : ((Number) cursor.get(0)).longValue() - OVERLAP_SECONDS;
        from = Math.max(from, now - RETENTION.toSeconds() + 3600);
        StripeCollection<Event> page = stripe.v1().events().list(EventListParams.builder()
                .setCreated(EventListParams.Created.builder().setGte(from).build())
                .addAllType(InboxWorker.HANDLED_TYPES)
                .setLimit(100L)
                .build());
        int added = 0;
        for (Event event : page.autoPagingIterable()) {
            read[0]++;
            if (inbox.storeFound(event.toJson())) {
                added++;
                Log.warnf("Reconciliation found Stripe event %s (%s) that never arrived as a webhook", event.getId(), event.getType());
            }
        }
        entityManager.createNativeQuery("""
                INSERT INTO billing.reconciliation_cursor (name, last_created) VALUES ('events', ?1)
                ON CONFLICT (name) DO UPDATE SET last_created = excluded.last_created, updated_at = now()""")
                .setParameter(1, now).executeUpdate();
        return added;
    }
}
