package dev.groundwork.monitoring.service;

import dev.groundwork.monitoring.config.MonitoringConfig;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes accepted envelopes to the inbox, many per transaction (a group commit): an SDK gets its 200 only once its
 * envelope is committed, so a crash after that loses nothing, and one commit serves every request that arrived
 * while the previous one was being written. One writer thread per replica; what it has not written at shutdown it
 * writes before it stops.
 */
@ApplicationScoped
public class InboxWriter {

    /** An envelope waiting for its commit. */
    private record Pending(long projectId, byte[] envelope, CompletableFuture<Void> written) {
    }

    @Inject
    AgroalDataSource dataSource;
    @Inject
    MonitoringConfig config;
    @Inject
    InboxProcessor processor;
    @Inject
    MeterRegistry meters;

    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean stopping;
    private Thread writer;

    void start(@Observes StartupEvent start) {
        meters.gauge("monitoring_ingest_pending", pending);
        writer = new Thread(this::run, "inbox-writer");
        writer.setDaemon(true);
        writer.start();
    }

    void stop(@Observes ShutdownEvent stop) throws InterruptedException {
        stopping = true;
        writer.interrupt();
        writer.join(TimeUnit.SECONDS.toMillis(30));
    }

    /** Completes once the envelope is committed; fails with a 503 when the inbox is full or cannot be written. */
    public CompletableFuture<Void> submit(long projectId, byte[] envelope) {
        if (pending.incrementAndGet() > config.ingest().maxPending() || stopping) {
            pending.decrementAndGet();
            return CompletableFuture.failedFuture(IngestError.unavailable(IngestError.OVERLOADED, 1));
        }
        Pending entry = new Pending(projectId, envelope, new CompletableFuture<>());
        queue.add(entry);
        return entry.written().orTimeout(config.ingest().writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (!(stopping && queue.isEmpty())) {
            try {
                Pending first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, config.ingest().maxBatch() - 1);
                write(batch);
            } catch (InterruptedException e) {
                // stopping: the loop writes what is queued, then ends
            } finally {
                pending.addAndGet(-batch.size());
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO monitoring.inbox (project_id, envelope) VALUES (?, ?)")) {
                for (Pending entry : batch) {
                    insert.setLong(1, entry.projectId());
                    insert.setBytes(2, entry.envelope());
                    insert.addBatch();
                }
                insert.executeBatch();
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            Log.warnf("Accepted envelopes could not be written to the inbox (%d answered 503): %s", batch.size(), e.getMessage());
            batch.forEach(entry -> entry.written().completeExceptionally(IngestError.unavailable(IngestError.UNAVAILABLE, 5)));
            return;
        }
        batch.forEach(entry -> entry.written().complete(null));
        processor.wake();
    }
}
