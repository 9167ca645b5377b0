package dev.groundwork.events;

import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A consumer without a schema records processed events in Redis, atomically with its Redis effect. */
class RedisProcessedEventsTest {

    @Test
    void aDuplicateEntryOnTheStreamDoesNotRepeatTheEffect() throws Exception {
        try (TestBed bed = TestBed.start()) {
            EventHandler pushSeq = (event, scope) ->
                    scope.redis(RedisCalls.cmd(Command.RPUSH, "effects", event.data().get("seq").asText()));
            StreamConsumer consumer = new StreamConsumer("cache", "cache-1",
                    List.of(new StreamConsumer.Subscription(bed.outbox.stream(), Set.of(TestBed.TYPE), pushSeq)),
                    ProcessedEvents.redis(Duration.ofDays(7), Duration.ofSeconds(5)), bed.redis, TestBed.fastConsumer(), bed.meters);
            bed.run("cache-1", consumer, consumer::stop);
            bed.publish("account-1", 0, 3, 3);
            OutboxRelay relay = bed.startRelay("relay", TestBed.fastRelay());
            awaitLength(bed, 3);

            // What a relay that died between XADD and marking its rows does: the same events go on the stream again.
            Response entries = bed.redis.send(RedisCalls.cmd(Command.XRANGE, bed.outbox.stream(), "-", "+")).await().indefinitely();
            for (Response entry : entries) {
                bed.redis.send(RedisCalls.cmd(Command.XADD, bed.outbox.stream(), "*", EventCodec.FIELD,
                        RedisCalls.fields(entry.get(1)).get(EventCodec.FIELD))).await().indefinitely();
            }
            bed.publish("account-1", 3, 1, 1);
            relay.wake();
            awaitLength(bed, 4);
            Thread.sleep(300);

            List<String> effects = new java.util.ArrayList<>();
            bed.redis.send(RedisCalls.cmd(Command.LRANGE, "effects", 0, -1)).await().indefinitely()
                    .forEach(effect -> effects.add(effect.toString()));
            assertEquals(List.of("0", "1", "2", "3"), effects, "each effect once, in order");
            assertEquals(3.0, bed.meters.get("groundwork.events.handled").tag("group", "cache").tag("outcome", "duplicate")
                    .counter().count());
            Response keys = bed.redis.send(RedisCalls.cmd(Command.KEYS, "events:processed:cache:*")).await().indefinitely();
            assertEquals(4, keys.size());
            long ttl = bed.redis.send(RedisCalls.cmd(Command.TTL, keys.get(0).toString())).await().indefinitely().toLong();
            assertTrue(ttl > 0 && ttl <= Duration.ofDays(7).toSeconds(), "the processed record expires: " + ttl);
        }
    }

    private static void awaitLength(TestBed bed, int length) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> bed.redis.send(RedisCalls.cmd(Command.LLEN, "effects")).await().indefinitely().toLong() >= length);
    }
}
