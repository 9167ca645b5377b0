package dev.groundwork.events;

import dev.groundwork.testsupport.RedisServerProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Redis killed while events are being published: they wait in the outbox and all arrive, once, after restart. */
class RedisOutageTest {

    private static final int EVENTS = 2_000;

    @Test
    void nothingIsLostWhileRedisIsDown() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.startDurable(); TestBed bed = TestBed.start(redis.url().url())) {
            OutboxRelay relay = bed.startRelay("relay", TestBed.fastRelay());
            bed.startConsumer("ledger", "ledger-1", TestBed.recordApplied(), TestBed.fastConsumer());
            // Publishing goes on throughout, in small transactions with pauses, so the outage falls in the middle.
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                try {
                    for (int seq = 0; seq < EVENTS; seq += 20) {
                        bed.publish("account-1", seq, 20, 20);
                        Thread.sleep(15);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            bed.awaitCount("SELECT count(*) FROM events_test.applied", 200, Duration.ofSeconds(30));

            redis.stop();
            double failuresBefore = relayFailures(bed);
            double consumerFailuresBefore = consumerFailures(bed);
            Thread.sleep(3_000);
            relay.measure();
            double failuresDuringOutage = relayFailures(bed) - failuresBefore;
            double consumerFailuresDuringOutage = consumerFailures(bed) - consumerFailuresBefore;
            long waiting = bed.count("SELECT count(*) FROM events_test.event_outbox WHERE published_at IS NULL");
            assertTrue(waiting > 0, "events wait in the outbox while Redis is down");
            assertEquals((double) waiting, bed.meters.get("groundwork.events.outbox.backlog").gauge().value(),
                    "the backlog gauge shows them");
            assertTrue(failuresDuringOutage >= 2, "the relay kept trying: " + failuresDuringOutage);
            // With backoff (20 ms doubling to 1 s) three seconds hold about eight attempts; a hot loop would make thousands.
            assertTrue(failuresDuringOutage < 30, "the relay backs off instead of spinning: " + failuresDuringOutage + " attempts");
            assertTrue(consumerFailuresDuringOutage >= 1 && consumerFailuresDuringOutage < 30,
                    "the consumer backs off too: " + consumerFailuresDuringOutage + " attempts");

            redis.restart();
            publishing.get();
            long applied = bed.awaitCount("SELECT count(*) FROM events_test.applied", EVENTS, Duration.ofMinutes(1));
            Thread.sleep(500);
            assertEquals(EVENTS, applied);
            assertEquals(EVENTS, bed.count("SELECT count(*) FROM events_test.applied"), "no event applied twice");
            assertEquals(EVENTS, bed.count("SELECT count(DISTINCT seq) FROM events_test.applied"));
            assertEquals(0, bed.count("SELECT count(*) FROM (SELECT seq, row_number() OVER (ORDER BY n) - 1 AS position"
                    + " FROM events_test.applied) a WHERE seq <> position"), "applied in the order written");
            assertEquals(0, bed.count("SELECT count(*) FROM events_test.event_outbox WHERE published_at IS NULL"));
        }
    }

    private static double consumerFailures(TestBed bed) {
        return bed.meters.get("groundwork.events.consumer.failures").counter().count();
    }

    private static double relayFailures(TestBed bed) {
        return bed.meters.get("groundwork.events.relay.failures").counter().count();
    }
}
