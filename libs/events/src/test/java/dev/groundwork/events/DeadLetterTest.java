package dev.groundwork.events;

import io.vertx.mutiny.redis.client.Command;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Events a handler cannot take, and entries that are not events, end in the dead-letter stream; the group goes on. */
class DeadLetterTest {

    @Test
    void anEventWhoseHandlerAlwaysThrowsIsDeadLetteredAfterNTriesAndCanBeReplayed() throws Exception {
        try (TestBed bed = TestBed.start()) {
            AtomicBoolean broken = new AtomicBoolean(true);
            EventHandler record = TestBed.recordApplied();
            EventHandler failsOnSeq1 = (event, scope) -> {
                if (event.data().get("seq").asInt() == 1 && broken.get()) {
                    throw new IllegalStateException("ledger rejects seq 1");
                }
                record.handle(event, scope);
            };
            bed.startRelay("relay", TestBed.fastRelay());
            StreamConsumer consumer = bed.startConsumer("ledger", "ledger-1", failsOnSeq1, TestBed.fastConsumer());
            bed.publish("account-1", 0, 5, 5);

            assertEquals(4, bed.awaitCount("SELECT count(*) FROM events_test.applied", 4, Duration.ofSeconds(20)),
                    "the events after the failing one are applied");
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> consumer.deadLetterCount() > 0);
            List<StreamConsumer.DeadLetter> letters = consumer.deadLetters(10);
            assertEquals(1, letters.size());
            StreamConsumer.DeadLetter letter = letters.get(0);
            assertEquals(TestBed.TYPE, letter.type());
            assertEquals("events:testing", letter.stream());
            assertEquals(3, letter.deliveries(), "dead-lettered after maxDeliveries = 3");
            assertTrue(letter.error().contains("ledger rejects seq 1"), letter.error());
            assertTrue(letter.event().contains("\"seq\":1"), letter.event());
            assertEquals(3.0, bed.meters.get("groundwork.events.handler.failures").counter().count());
            assertEquals(1.0, bed.meters.get("groundwork.events.dead.lettered").tag("reason", "failed").counter().count());
            assertEquals(0, bed.redis.send(RedisCalls.cmd(Command.XPENDING, "events:testing", "ledger")).await()
                    .indefinitely().get(0).toLong(), "the dead letter was acked on the stream");

            assertThrows(IllegalStateException.class, () -> consumer.replay(letter.id()), "replaying while still broken fails");
            assertEquals(1, consumer.deadLetterCount(), "and keeps the dead letter");

            broken.set(false);
            assertEquals(StreamConsumer.ReplayOutcome.APPLIED, consumer.replay(letter.id()));
            assertEquals(5, bed.count("SELECT count(*) FROM events_test.applied"));
            assertEquals(1, bed.count("SELECT count(*) FROM events_test.applied WHERE seq = 1"));
            assertEquals(0, consumer.deadLetterCount(), "a replayed dead letter is removed");
            assertThrows(NoSuchElementException.class, () -> consumer.replay(letter.id()));
        }
    }

    @Test
    void entriesThatAreNotEventsAreDeadLetteredWithTheReasonAndTheConsumerGoesOn() throws Exception {
        try (TestBed bed = TestBed.start()) {
            StreamConsumer consumer = bed.startConsumer("ledger", "ledger-1", TestBed.recordApplied(), TestBed.fastConsumer());
            xadd(bed, "payload", "hello");
            xadd(bed, "event", "{not json");
            xadd(bed, "event", "{\"id\":\"1\",\"source\":\"urn:x\",\"type\":\"t\"}");
            bed.publish("account-1", 0, 1, 1);
            bed.startRelay("relay", TestBed.fastRelay());

            assertEquals(1, bed.awaitCount("SELECT count(*) FROM events_test.applied", 1, Duration.ofSeconds(20)),
                    "the valid event after three broken entries is applied");
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> consumer.deadLetterCount() >= 3);
            List<StreamConsumer.DeadLetter> letters = consumer.deadLetters(10);
            assertEquals(3, letters.size());
            assertTrue(letters.get(2).error().startsWith("malformed entry: the stream entry has no 'event' field"), letters.get(2).error());
            assertTrue(letters.get(1).error().startsWith("malformed entry: not a CloudEvents 1.0 JSON event"), letters.get(1).error());
            assertTrue(letters.get(0).error().startsWith("malformed entry: not a CloudEvents 1.0 JSON event"), letters.get(0).error());
            assertEquals("{not json", letters.get(1).event(), "the raw entry is kept for inspection");
            assertEquals(3.0, bed.meters.get("groundwork.events.dead.lettered").tag("reason", "malformed").counter().count());
            assertThrows(MalformedEventException.class, () -> consumer.replay(letters.get(1).id()));
        }
    }

    private static void xadd(TestBed bed, String field, String value) {
        bed.redis.send(RedisCalls.cmd(Command.XADD, "events:testing", "*", field, value)).await().indefinitely();
    }
}
