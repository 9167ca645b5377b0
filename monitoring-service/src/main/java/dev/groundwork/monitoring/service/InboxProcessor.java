package dev.groundwork.monitoring.service;

import dev.groundwork.monitoring.config.MonitoringConfig;
import dev.groundwork.monitoring.repository.InboxRepository;
import dev.groundwork.monitoring.repository.InboxRepository.InboxRow;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Works the inbox off: a batch of rows per transaction, stored and deleted together, so that a crash in between
 * leaves the rows for the next attempt (processing is idempotent on the event id). A batch that fails is retried
 * row by row, so that one bad row holds up nothing else; a row that keeps failing backs off and is finally left,
 * marked failed, for an operator. Replicas share the work ({@code FOR UPDATE SKIP LOCKED}).
 */
@ApplicationScoped
public class InboxProcessor {

    /** How often the inbox is looked at when nobody says there is work (another replica's rows, retries). */
    private static final long IDLE_POLL_MILLIS = 1000;

    @Inject
    AgroalDataSource dataSource;
    @Inject
    InboxRepository inbox;
    @Inject
    EnvelopeProcessing processing;
    @Inject
    MonitoringConfig config;
    @Inject
    MeterRegistry meters;

    private final Semaphore work = new Semaphore(0);
    private final AtomicLong waiting = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean stopping;
    private final WarningOncePerMinute warnings = new WarningOncePerMinute(InboxProcessor.class);
    private Thread worker;
    private Counter stored;
    private Counter failures;

    void start(@Observes StartupEvent start) {
        stored = meters.counter("monitoring_events_stored_total");
        failures = meters.counter("monitoring_inbox_failures_total");
        meters.gauge("monitoring_inbox_waiting", waiting);
        meters.gauge("monitoring_inbox_failed", failed);
        worker = new Thread(this::run, "inbox-processor");
        worker.setDaemon(true);
        worker.start();
    }

    void stop(@Observes ShutdownEvent stop) throws InterruptedException {
        stopping = true;
        work.release();
        worker.join(TimeUnit.SECONDS.toMillis(30));
    }

    /** Says that rows were written: the worker looks now rather than at its next poll. */
    public void wake() {
        if (work.availablePermits() == 0) {
            work.release();
        }
    }

    private void run() {
        while (!stopping) {
            try {
                int processed = processBatch();
                if (processed == 0) {
                    refreshGauges();
                    work.tryAcquire(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                    work.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // Postgres away: the rows wait in the inbox; look again after a pause, saying so once a minute.
                warnings.warnf("The inbox could not be processed, trying again every second: %s", e.getMessage());
                sleep(IDLE_POLL_MILLIS);
            }
        }
    }

    /** Processes one batch; returns the number of rows done (0: nothing due). Public for tests and the bench. */
    public int processBatch() {
        List<InboxRow> claimed;
        try {
            claimed = QuarkusTransaction.requiringNew().call(() -> {
                try (Connection connection = dataSource.getConnection()) {
                    List<InboxRow> rows = inbox.claim(connection, config.processing().batchSize());
                    if (!rows.isEmpty()) {
                        stored.increment(processing.store(connection, rows));
                        inbox.delete(connection, rows);
                    }
                    return rows;
                }
            });
            return claimed.size();
        } catch (RuntimeException batchFailed) {
            return processOneByOne(batchFailed);
        }
    }

    /** After a failed batch: each due row in its own transaction, so that a bad row is found and set aside. */
    private int processOneByOne(RuntimeException batchFailed) {
        List<Long> ids = QuarkusTransaction.requiringNew().call(() -> {
            try (Connection connection = dataSource.getConnection()) {
                return inbox.claim(connection, config.processing().batchSize()).stream().map(InboxRow::id).toList();
            }
        });
        if (ids.isEmpty()) {
            throw batchFailed; // nothing to isolate: the database itself failed
        }
        for (long id : ids) {
            try {
                QuarkusTransaction.requiringNew().run(() -> {
                    try (Connection connection = dataSource.getConnection()) {
                        List<InboxRow> row = inbox.claimOne(connection, id);
                        if (!row.isEmpty()) {
                            stored.increment(processing.store(connection, row));
                            inbox.delete(connection, row);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            } catch (RuntimeException rowFailed) {
                recordFailure(id, rowFailed);
            }
        }
        return ids.size();
    }

    private void recordFailure(long id, RuntimeException error) {
        failures.increment();
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        String message = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection connection = dataSource.getConnection()) {
                List<InboxRow> row = inbox.claimOne(connection, id);
                if (row.isEmpty()) {
                    return;
                }
                int attempt = row.get(0).attempts() + 1;
                boolean giveUp = attempt >= config.processing().maxAttempts();
                inbox.failed(connection, id, message, Duration.ofSeconds(1L << Math.min(attempt, 9)), giveUp);
                if (giveUp) {
                    Log.errorf("Inbox row %d failed %d times and is left for an operator (docs/runbooks.md): %s", id, attempt, message);
                } else {
                    Log.warnf("Inbox row %d failed (attempt %d), tried again later: %s", id, attempt, message);
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void refreshGauges() {
        try (Connection connection = dataSource.getConnection()) {
            long[] counts = inbox.counts(connection);
            waiting.set(counts[0]);
            failed.set(counts[1]);
        } catch (java.sql.SQLException | RuntimeException e) {
            // the gauges keep their last value; the loop reports the outage
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
