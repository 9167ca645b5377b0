package dev.groundwork.events;

import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every process is a new consumer of its group, so the consumers of processes that are gone are removed: idle
 * longer than {@code forgetAfter} and without pending entries. One that still holds entries stays until they are
 * claimed; live consumers and other groups' consumers are left alone.
 */
class GoneConsumersTest {

    private static final Duration FORGET_AFTER = Duration.ofSeconds(2);

    @Test
    void onlyIdleEmptyConsumersOfTheOwnGroupAreRemoved() throws Exception {
        try (TestBed bed = TestBed.start()) {
            String stream = goneConsumers(bed);
            send(bed, Command.XGROUP, "CREATECONSUMER", stream, "ledger", "fresh");

            // Claiming is far off, so the entry of gone-pending stays with it.
            bed.startConsumer("ledger", "replica-1", TestBed.recordApplied(), settings(Duration.ofHours(1)));
            await("the idle empty consumer is removed").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !consumers(bed, stream, "ledger").contains("gone-empty"));
            // replica-1 itself is in the listing once a read gave it something (on Redis 7.2+, once it read at all).
            Set<String> left = consumers(bed, stream, "ledger");
            left.remove("replica-1");
            assertEquals(Set.of("gone-pending", "fresh"), left, "the one with a pending entry stays, and so does a fresh one");
            assertEquals(1, pendingOf(bed, stream, "gone-pending"));
            assertEquals(Set.of("gone-elsewhere"), consumers(bed, stream, "other-service"), "another group's is not ours");
            assertEquals(1.0, bed.meters.get("groundwork.events.consumer.forgotten").counter().count());
        }
    }

    @Test
    void theEntriesOfAGoneConsumerAreClaimedThenItIsRemoved() throws Exception {
        try (TestBed bed = TestBed.start()) {
            String stream = goneConsumers(bed);

            bed.startConsumer("ledger", "replica-1", TestBed.recordApplied(), settings(Duration.ofMillis(500)));
            bed.awaitCount("SELECT count(*) FROM events_test.applied", 1, Duration.ofSeconds(10));
            await("gone-pending, empty once its entry was claimed, is removed").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> consumers(bed, stream, "ledger").equals(Set.of("replica-1")));
            assertEquals(1, bed.count("SELECT count(*) FROM events_test.applied WHERE seq = 0"), "the claimed event was applied");
            assertEquals(0, bed.redis.send(RedisCalls.cmd(Command.XPENDING, stream, "ledger")).await().indefinitely()
                    .get(0).toLong(), "and acked");
            assertEquals(Set.of("gone-elsewhere"), consumers(bed, stream, "other-service"));
        }
    }

    /**
     * One event on the stream, read and never acked by {@code gone-pending}; {@code gone-empty} read nothing; both of
     * group {@code ledger}, and {@code gone-elsewhere} of group {@code other-service}: all idle past FORGET_AFTER.
     */
    private static String goneConsumers(TestBed bed) throws Exception {
        String stream = bed.outbox.stream();
        send(bed, Command.XGROUP, "CREATE", stream, "ledger", "0", "MKSTREAM");
        send(bed, Command.XGROUP, "CREATE", stream, "other-service", "0");
        bed.publish("account-1", 0, 1, 1);
        bed.startRelay("relay", TestBed.fastRelay());
        bed.awaitCount("SELECT count(*) FROM events_test.event_outbox WHERE published_at IS NOT NULL", 1, Duration.ofSeconds(10));
        send(bed, Command.XREADGROUP, "GROUP", "ledger", "gone-pending", "COUNT", 1, "STREAMS", stream, ">");
        send(bed, Command.XGROUP, "CREATECONSUMER", stream, "ledger", "gone-empty");
        send(bed, Command.XGROUP, "CREATECONSUMER", stream, "other-service", "gone-elsewhere");
        assertEquals(1, pendingOf(bed, stream, "gone-pending"));
        Thread.sleep(FORGET_AFTER.plusMillis(300).toMillis());
        return stream;
    }

    private static StreamConsumer.Settings settings(Duration claimIdle) {
        return new StreamConsumer.Settings(3, claimIdle, Duration.ofMillis(200), 100, Duration.ofSeconds(1),
                Duration.ofSeconds(5), 10_000, Duration.ofDays(7), FORGET_AFTER);
    }

    private static Set<String> consumers(TestBed bed, String stream, String group) {
        Set<String> names = new TreeSet<>();
        for (Response consumer : send(bed, Command.XINFO, "CONSUMERS", stream, group)) {
            names.add(RedisCalls.info(consumer).get("name").toString());
        }
        return names;
    }

    private static long pendingOf(TestBed bed, String stream, String consumer) {
        for (Response info : send(bed, Command.XINFO, "CONSUMERS", stream, "ledger")) {
            var fields = RedisCalls.info(info);
            if (consumer.equals(fields.get("name").toString())) {
                return fields.get("pending").toLong();
            }
        }
        return -1;
    }

    private static Response send(TestBed bed, Command command, Object... args) {
        return bed.redis.send(RedisCalls.cmd(command, args)).await().indefinitely();
    }
}
