package dev.groundwork.entrycache;

import dev.groundwork.testsupport.RealInfrastructure;
import dev.groundwork.testsupport.TestServers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The semantics on the real Redis (libs/test-support's: the module's own logical database, emptied at start). */
class EntryCacheTest {

    private static final Duration LEASE = Duration.ofSeconds(5);
    private static Vertx vertx;
    private static Redis redis;
    private static String namespace;
    private static EntryCache cache;

    @BeforeAll
    static void connect() {
        vertx = Vertx.vertx();
        String url = RealInfrastructure.freshRedis(TestServers.redis().orElseThrow(), "entry-cache").url();
        redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(url).setMaxPoolSize(16).setMaxPoolWaiting(4096));
        namespace = "entrycache-test-" + UUID.randomUUID().toString().substring(0, 8);
        cache = new EntryCache(vertx, redis, namespace);
    }

    @AfterAll
    static void cleanUp() {
        for (String key : keys("*")) {
            await(redis.send(Request.cmd(Command.UNLINK).arg(key)));
        }
        redis.close();
        await(vertx.close());
    }

    @Test
    void aValueComesBackWithWhatWasStoredWithIt() {
        EntryCache.Write write = write("hello", Duration.ofSeconds(30), Duration.ZERO, "a", "b");
        assertEquals(Fill.STORED, await(cache.fill("greeting", write, null)));

        Lookup found = await(cache.get("greeting"));
        assertEquals(Lookup.Status.HIT, found.status());
        assertEquals("hello", new String(found.entry().value(), StandardCharsets.UTF_8));
        assertEquals("text/plain", found.entry().contentType());
        assertEquals(List.of("a", "b"), found.entry().tags());
        assertEquals(EntryCache.etagOf("hello".getBytes(StandardCharsets.UTF_8)), found.entry().etag());
        assertEquals(0, found.entry().ageSeconds(found.now()));
        assertTrue(found.entry().ttlSeconds(found.now()) >= 29);
        assertNull(found.lease(), "a hit gives no lease");
        long pttl = await(redis.send(Request.cmd(Command.PTTL).arg("cache:" + namespace + ".e:greeting"))).toLong();
        assertTrue(pttl > 29_000 && pttl <= 30_000, "the entry expires with its TTL: " + pttl);
    }

    @Test
    void twoHundredConcurrentMissesCauseOneFill() {
        AtomicInteger fills = new AtomicInteger();
        List<Future<String>> readers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            readers.add(cache.getOrWait("stampede", LEASE, Duration.ofSeconds(5)).compose(lookup -> {
                if (lookup.status() == Lookup.Status.HIT) {
                    return Future.succeededFuture(new String(lookup.entry().value(), StandardCharsets.UTF_8));
                }
                if (!lookup.leased()) {
                    return Future.failedFuture("a miss without a lease inside the wait: " + lookup);
                }
                // The origin: slow enough that every other reader arrives while the fill is under way.
                fills.incrementAndGet();
                return vertx.timer(200).compose(t -> cache.fill("stampede", write("origin", Duration.ofSeconds(30), Duration.ZERO), lookup.lease()))
                        .map(fill -> fill == Fill.STORED ? "origin" : "refused");
            }));
        }
        List<String> answers = await(Future.all(readers).map(all -> all.<String>list()));
        assertEquals(1, fills.get(), "exactly one reader went to the origin");
        assertEquals(200, answers.stream().filter("origin"::equals).count(), "every reader got the origin's value");
    }

    @Test
    void aFillWhoseTagWasInvalidatedMeanwhileIsRefused() {
        Lookup miss = await(cache.getWithLease("profile:1", LEASE));
        assertEquals(Lookup.Status.MISS, miss.status());
        assertNotNull(miss.lease());

        // The origin changes, and its writer invalidates the tag while the reader's fill (old data) is on its way.
        await(cache.invalidateTag("user:1"));
        assertEquals(Fill.LEASE_VOIDED, await(cache.fill("profile:1", write("old", Duration.ofSeconds(30), Duration.ZERO, "user:1"), miss.lease())));
        assertEquals(Lookup.Status.MISS, await(cache.get("profile:1")).status());

        // A lease taken after the invalidation fills as usual.
        Lookup again = await(cache.getWithLease("profile:1", LEASE));
        assertEquals(Fill.STORED, await(cache.fill("profile:1", write("new", Duration.ofSeconds(30), Duration.ZERO, "user:1"), again.lease())));
        assertEquals("new", text(await(cache.get("profile:1"))));
    }

    @Test
    void aFillAfterADeleteOrAPrefixInvalidationIsRefused() {
        Lookup deleted = await(cache.getWithLease("doc:1", LEASE));
        await(cache.delete("doc:1"));
        assertEquals(Fill.LEASE_VOIDED, await(cache.fill("doc:1", write("old", Duration.ofSeconds(30), Duration.ZERO), deleted.lease())));

        Lookup prefixed = await(cache.getWithLease("doc:2", LEASE));
        assertEquals(0L, await(cache.invalidatePrefix("doc:")));
        assertEquals(Fill.LEASE_VOIDED, await(cache.fill("doc:2", write("old", Duration.ofSeconds(30), Duration.ZERO), prefixed.lease())));

        // A plain write (the writer's own, newer value) voids a reader's lease too.
        Lookup reader = await(cache.getWithLease("doc:3", LEASE));
        assertEquals(Fill.STORED, await(cache.fill("doc:3", write("written", Duration.ofSeconds(30), Duration.ZERO), null)));
        assertEquals(Fill.LEASE_VOIDED, await(cache.fill("doc:3", write("read earlier", Duration.ofSeconds(30), Duration.ZERO), reader.lease())));
        assertEquals("written", text(await(cache.get("doc:3"))));
    }

    @Test
    void aTagOfTenThousandKeysIsInvalidated() {
        for (int chunk = 0; chunk < 10; chunk++) {
            List<Future<Fill>> writes = new ArrayList<>();
            for (int i = chunk * 1000; i < (chunk + 1) * 1000; i++) {
                writes.add(cache.fill("bulk:" + i, write("v" + i, Duration.ofMinutes(5), Duration.ZERO, "bulk", i % 2 == 0 ? "even" : "odd"), null));
            }
            await(Future.all(writes));
        }
        cache.fill("other", write("kept", Duration.ofMinutes(5), Duration.ZERO, "unrelated"), null);
        assertEquals(10_000L, await(cache.tagSize("bulk")));

        assertEquals(10_000L, await(cache.invalidateTag("bulk")));

        assertEquals(List.of(), keys("e:bulk:*"), "every entry of the tag is gone");
        assertEquals(0L, await(cache.tagSize("bulk")));
        assertEquals("kept", text(await(cache.get("other"))));
        // The other tags of those keys are trimmed by their next write or expire with them: invalidating one removes nothing.
        assertEquals(0L, await(cache.invalidateTag("even")));
    }

    @Test
    void tagBookkeepingDoesNotOutliveItsKeys() {
        // Overlapping waves of short-lived keys on one tag, as a busy tag sees them: the set never expires as a whole,
        // so only trimming keeps it to the live keys (at most two waves), not all that were ever written.
        for (int wave = 0; wave < 6; wave++) {
            List<Future<Fill>> writes = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                writes.add(cache.fill("wave" + wave + ":" + i, write("x", Duration.ofMillis(300), Duration.ZERO, "busy"), null));
            }
            await(Future.all(writes));
            long size = await(cache.tagSize("busy"));
            assertTrue(size <= 600, "expired keys are trimmed by the next writes: " + size + " after wave " + wave);
            sleep(200);
        }
        sleep(400);
        assertEquals(List.of(), keys("t:busy"), "the tag's set expires with its last key");
        assertEquals(List.of(), keys("e:wave*"));

        // Rewriting a key with other tags takes it out of the old tag's set.
        await(cache.fill("moved", write("1", Duration.ofMinutes(1), Duration.ZERO, "before"), null));
        await(cache.fill("moved", write("2", Duration.ofMinutes(1), Duration.ZERO, "after"), null));
        assertEquals(0L, await(cache.tagSize("before")));
        assertEquals(0L, await(cache.invalidateTag("before")));
        assertEquals("2", text(await(cache.get("moved"))));
    }

    @Test
    void aStaleValueIsServedInsideItsWindowAndNeverAfter() {
        await(cache.fill("swr", write("v1", Duration.ofMillis(300), Duration.ofMillis(700), "t"), null));
        assertEquals(Lookup.Status.HIT, await(cache.get("swr")).status());
        sleep(450);

        Lookup first = await(cache.getWithLease("swr", LEASE));
        assertEquals(Lookup.Status.STALE, first.status());
        assertEquals("v1", text(first));
        assertNotNull(first.lease(), "the first reader of a stale value revalidates it");
        assertTrue(first.entry().ttlSeconds(first.now()) < 0);
        Lookup second = await(cache.getOrWait("swr", LEASE, Duration.ofSeconds(2)));
        assertEquals(Lookup.Status.STALE, second.status(), "the others get the stale value at once, without waiting");
        assertNull(second.lease());

        sleep(700);
        assertEquals(Lookup.Status.MISS, await(cache.get("swr")).status(), "past the window nothing is served");
        assertEquals(List.of(), keys("e:swr"), "and Redis has removed it");
    }

    @Test
    void aReleasedLeaseGoesToTheNextReaderAtOnce() {
        Lookup first = await(cache.getWithLease("released", LEASE));
        assertNull(await(cache.getWithLease("released", LEASE)).lease(), "held by the first reader");
        assertFalse(await(cache.release("released", "not-the-token")), "only its holder gives a lease back");
        assertTrue(await(cache.release("released", first.lease())));
        assertNotNull(await(cache.getWithLease("released", LEASE)).lease(), "the next reader gets it without waiting 5 s");
    }

    @Test
    void batchReadsAnswerEachKey() {
        await(cache.fill("b1", write("one", Duration.ofSeconds(30), Duration.ZERO), null));
        List<Lookup> found = await(cache.getAll(List.of("b1", "b-missing")));
        assertEquals("one", text(found.get(0)));
        assertEquals(Lookup.Status.MISS, found.get(1).status());
        assertNull(found.get(1).lease());
    }

    @Test
    void aPublishedPolicyIsReadBackAndBoundsWhatIsAsked() {
        EntryCache other = new EntryCache(vertx, redis, namespace + "-policy");
        assertNull(await(other.policy()), "no policy before cache-service publishes one");
        EntryPolicy policy = new EntryPolicy(Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMillis(500), 1024);
        await(other.publishPolicy(policy, Duration.ofSeconds(60)));
        EntryPolicy read = await(other.policy());
        assertEquals(policy, read);
        assertEquals(Duration.ofMinutes(10), read.ttl(Duration.ofHours(1)));
        assertEquals(Duration.ofSeconds(20), read.stale(Duration.ofSeconds(20)));
        long pttl = await(redis.send(Request.cmd(Command.PTTL).arg("cache:" + namespace + "-policy.p"))).toLong();
        assertTrue(pttl > 0 && pttl <= 60_000, "the policy expires unless published again: " + pttl);
        await(redis.send(Request.cmd(Command.DEL).arg("cache:" + namespace + "-policy.p")));
    }

    @Test
    void scriptsAreSentAgainAfterRedisForgetsThem() {
        await(redis.send(Request.cmd(Command.SCRIPT).arg("FLUSH")));
        await(cache.fill("after-flush", write("ok", Duration.ofSeconds(30), Duration.ZERO), null));
        assertEquals("ok", text(await(cache.get("after-flush"))));
    }

    @Test
    void badKeysTagsAndLeasesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> cache.get(""));
        assertThrows(IllegalArgumentException.class, () -> cache.get("a\nb"));
        assertThrows(IllegalArgumentException.class, () -> cache.get("k".repeat(EntryCache.MAX_KEY_BYTES + 1)));
        assertThrows(IllegalArgumentException.class, () -> write("x", Duration.ofSeconds(1), Duration.ZERO, "has space"));
        assertThrows(IllegalArgumentException.class, () -> write("x", Duration.ZERO, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> cache.getWithLease("k", Duration.ofMinutes(2)));
        assertThrows(IllegalArgumentException.class, () -> EntryCache.prefixOf("a.b"));
    }

    private static EntryCache.Write write(String value, Duration ttl, Duration stale, String... tags) {
        return new EntryCache.Write(value.getBytes(StandardCharsets.UTF_8), "text/plain", List.of(tags), ttl, stale, null);
    }

    private static String text(Lookup lookup) {
        assertNotNull(lookup.entry(), "expected a value, got " + lookup.status());
        return new String(lookup.entry().value(), StandardCharsets.UTF_8);
    }

    /** This test's Redis keys matching the pattern after {@code cache:<ns>.}. */
    private static List<String> keys(String pattern) {
        List<String> found = new ArrayList<>();
        String cursor = "0";
        do {
            Response page = await(redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg("cache:" + namespace + "." + pattern).arg("COUNT").arg(1000)));
            cursor = page.get(0).toString();
            page.get(1).forEach(key -> found.add(key.toString()));
        } while (!"0".equals(cursor));
        return found;
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
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
