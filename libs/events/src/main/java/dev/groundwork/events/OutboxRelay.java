package dev.groundwork.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * Moves outbox rows to the producer's stream, oldest first. Every replica of a producer may run a relay; a
 * transaction-scoped Postgres advisory lock lets one of them work at a time, so the stream receives the rows in
 * outbox order (and so each subject's events in the order they were committed). The lock is transaction-scoped
 * so it also works through a transaction pooler (Supabase's port 6543), where session locks do not.
 *
 * <p>A row is marked published only after Redis acknowledged its XADD; a crash in between publishes it again
 * (at least once), and consumers drop the duplicate by event id. When Redis or Postgres fails, the relay waits
 * with capped exponential backoff and tries again, forever; rows pile up in the outbox meanwhile.
 */
public final class OutboxRelay implements Runnable {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final Outbox outbox;
    private final Transactions transactions;
    private final Redis redis;
    private final Settings settings;
    private final long lockKey;
    private final Semaphore wakeUp = new Semaphore(0);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestAgeMillis = new AtomicLong();
    private final Counter published;
    private final Counter failures;
    private volatile boolean running = true;
    private Instant nextCleanup = Instant.EPOCH;
    private Instant nextMeasure = Instant.EPOCH;

    /**
     * @param batchSize      rows per XADD pipeline and transaction
     * @param streamMaxLen   approximate MAXLEN of the stream (XADD MAXLEN ~)
     * @param pollInterval   how often an idle relay looks for rows written by other replicas
     * @param maxBackoff     the longest wait after repeated failures
     * @param retention      how long published rows are kept before they are deleted
     * @param redisTimeout   how long one XADD pipeline may take before the batch is retried
     */
    public record Settings(int batchSize, long streamMaxLen, Duration pollInterval, Duration maxBackoff,
                           Duration retention, Duration redisTimeout) {
        public static Settings defaults() {
            return new Settings(200, 100_000, Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofHours(1),
                    Duration.ofSeconds(5));
        }
    }

    public OutboxRelay(Outbox outbox, Transactions transactions, Redis redis, Settings settings, MeterRegistry meters) {
        this.outbox = outbox;
        this.transactions = transactions;
        this.redis = redis;
        this.settings = settings;
        CRC32 crc = new CRC32();
        crc.update(("groundwork.events.relay:" + outbox.table()).getBytes(StandardCharsets.UTF_8));
        this.lockKey = crc.getValue();
        String stream = outbox.stream();
        Gauge.builder("groundwork.events.outbox.backlog", backlog, AtomicLong::get).tag("stream", stream)
                .description("Outbox rows not yet on the stream").register(meters);
        Gauge.builder("groundwork.events.publish.lag", oldestAgeMillis, a -> a.get() / 1000.0).tag("stream", stream)
                .baseUnit("seconds").description("Age of the oldest outbox row not yet on the stream").register(meters);
        this.published = Counter.builder("groundwork.events.published").tag("stream", stream)
                .description("Events written to the stream").register(meters);
        this.failures = Counter.builder("groundwork.events.relay.failures").tag("stream", stream)
                .description("Relay rounds that failed (Redis or Postgres unavailable)").register(meters);
    }

    /** Runs until {@link #stop()}: relay, clean up, wait for a wake-up or the poll interval; back off on failure. */
    @Override
    public void run() {
        Backoff backoff = new Backoff(settings.pollInterval(), settings.maxBackoff());
        while (running) {
            try {
                int moved = relayOnce();
                if (backoff.failures() > 0) {
                    LOG.infof("Outbox relay to %s works again after %d failed attempts", outbox.stream(), backoff.failures());
                }
                backoff.reset();
                if (moved < settings.batchSize()) {
                    housekeeping();
                    wakeUp.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wakeUp.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                failures.increment();
                Duration wait = backoff.next();
                // The first failure is news; the rest of an outage only at debug, so a long outage does not flood logs.
                if (backoff.failures() == 1) {
                    LOG.warnf("Outbox relay to %s failed, events wait in the outbox and are retried (next in %d ms): %s",
                            outbox.stream(), wait.toMillis(), e.toString());
                } else {
                    LOG.debugf("Outbox relay to %s still failing (attempt %d): %s", outbox.stream(), backoff.failures(), e);
                }
                measureQuietly();
                sleep(wait);
            }
        }
    }

    /** Asks an idle relay to look at the outbox now (called after a publishing transaction commits). */
    public void wake() {
        wakeUp.release();
    }

    public void stop() {
        running = false;
        stopped.countDown();
        wake();
    }

    /** One batch: lock, read the oldest unpublished rows, XADD them in one pipeline, mark them published. */
    public int relayOnce() throws Exception {
        return transactions.inTransaction(connection -> {
            if (!lockAcquired(connection)) {
                return 0;
            }
            List<Long> ids = new ArrayList<>();
            List<Request> adds = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT id, envelope FROM " + outbox.table()
                    + " WHERE published_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED")) {
                select.setInt(1, settings.batchSize());
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getLong(1));
                        adds.add(RedisCalls.cmd(Command.XADD, outbox.stream(), "MAXLEN", "~", settings.streamMaxLen(),
                                "*", EventCodec.FIELD, rows.getString(2)));
                    }
                }
            }
            if (ids.isEmpty()) {
                return 0;
            }
            redis.batch(adds).await().atMost(settings.redisTimeout());
            try (PreparedStatement mark = connection.prepareStatement(
                    "UPDATE " + outbox.table() + " SET published_at = clock_timestamp() WHERE id = ANY (?)")) {
                Array array = connection.createArrayOf("bigint", ids.toArray());
                mark.setArray(1, array);
                mark.executeUpdate();
            }
            published.increment(ids.size());
            return ids.size();
        });
    }

    private boolean lockAcquired(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            lock.setLong(1, lockKey);
            try (ResultSet result = lock.executeQuery()) {
                result.next();
                return result.getBoolean(1);
            }
        }
    }

    private void housekeeping() throws Exception {
        Instant now = Instant.now();
        if (now.isAfter(nextMeasure)) {
            measure();
            nextMeasure = now.plusSeconds(5);
        }
        if (now.isAfter(nextCleanup)) {
            deletePublished();
            nextCleanup = now.plusSeconds(60);
        }
    }

    /** Deletes published rows older than the retention, a thousand per transaction so no lock is held long. */
    public int deletePublished() throws Exception {
        int total = 0;
        int deleted;
        do {
            deleted = transactions.inTransaction(connection -> {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + outbox.table()
                        + " WHERE id IN (SELECT id FROM " + outbox.table() + " WHERE published_at < now() - ?::interval"
                        + " ORDER BY published_at LIMIT 1000)")) {
                    delete.setString(1, settings.retention().toMillis() + " milliseconds");
                    return delete.executeUpdate();
                }
            });
            total += deleted;
        } while (deleted == 1000 && running);
        return total;
    }

    /** Refreshes the backlog gauges (rows waiting, age of the oldest). */
    public void measure() throws Exception {
        transactions.inTransaction(connection -> {
            try (Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("SELECT count(*), coalesce(extract(epoch FROM clock_timestamp()"
                         + " - min(created_at)) * 1000, 0) FROM " + outbox.table() + " WHERE published_at IS NULL")) {
                result.next();
                backlog.set(result.getLong(1));
                oldestAgeMillis.set(result.getLong(2));
            }
            return null;
        });
    }

    private void measureQuietly() {
        try {
            measure();
        } catch (Exception e) {
            LOG.debugf("Outbox backlog not measured: %s", e);
        }
    }

    /** Waits out a backoff; only {@link #stop()} cuts it short (a wake-up from a new event does not). */
    private void sleep(Duration wait) {
        if (!Backoff.pause(stopped, wait)) {
            running = false;
        }
    }
}
