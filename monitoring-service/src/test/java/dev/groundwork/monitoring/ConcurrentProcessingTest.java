package dev.groundwork.monitoring;

import dev.groundwork.monitoring.repository.InboxRepository.InboxRow;
import dev.groundwork.monitoring.service.EnvelopeProcessing;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.groundwork.monitoring.Rows.count;
import static dev.groundwork.monitoring.Envelopes.errorEvent;
import static dev.groundwork.monitoring.Envelopes.event;
import static dev.groundwork.monitoring.Envelopes.newId;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two replicas processing the same event at once (an SDK's retry landed in two inbox rows): the second waits for the
 * first's commit and then finds the event stored, so the issue counts it once.
 */
@QuarkusTest
class ConcurrentProcessingTest {

    @Inject
    EnvelopeProcessing processing;
    @Inject
    AgroalDataSource dataSource;

    @Test
    void theSameEventInTwoTransactionsAtOnceIsCountedOnce() throws Exception {
        String type = "RetriedError" + UUID.randomUUID().toString().substring(0, 8);
        byte[] envelope = event(newId(), errorEvent(type, "twice at once", "retry")).getBytes(StandardCharsets.UTF_8);
        CountDownLatch firstStored = new CountDownLatch(1);
        CountDownLatch secondDone = new CountDownLatch(1);

        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> QuarkusTransaction.requiringNew().run(() -> {
            store(envelope);
            firstStored.countDown();
            // Holds its transaction open while the other one runs (it cannot finish while this one holds the event).
            await(secondDone, 2);
        }));
        await(firstStored, 30);
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> QuarkusTransaction.requiringNew().run(() -> store(envelope)))
                .whenComplete((done, failure) -> secondDone.countDown());
        first.get(60, TimeUnit.SECONDS);
        second.get(60, TimeUnit.SECONDS);

        assertEquals(1, count("SELECT times_seen FROM monitoring.issues WHERE title LIKE ?", type + ":%"));
        assertEquals(1, count("SELECT sum(events) FROM monitoring.issue_counts c JOIN monitoring.issues i ON i.id = c.issue_id "
                + "WHERE i.title LIKE ?", type + ":%"));
    }

    private void store(byte[] envelope) {
        try (Connection connection = dataSource.getConnection()) {
            processing.store(connection, List.of(new InboxRow(0, 11, envelope, Instant.now(), 0)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch, int seconds) {
        try {
            latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
