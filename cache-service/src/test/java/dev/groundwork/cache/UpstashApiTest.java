package dev.groundwork.cache;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static dev.groundwork.cache.AuthStub.ALPHA_RO;
import static dev.groundwork.cache.AuthStub.ALPHA_RW;
import static dev.groundwork.cache.AuthStub.TIGHT_RW;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Upstash protocol on real Redis: answers, encoding, TTLs, policies and clear errors that change nothing. */
@QuarkusTest
class UpstashApiTest {

    @Inject
    Redis redis;
    @Inject
    dev.groundwork.cache.service.NamespaceStats stats;

    @Test
    void setAndGetInTheNamespace() {
        Upstash.command(ALPHA_RW, "SET", "greeting", "hello").statusCode(200).body("result", equalTo("OK"));
        Upstash.command(ALPHA_RW, "GET", "greeting").statusCode(200).body("result", equalTo("hello"));
        Upstash.command(ALPHA_RW, "GET", "nothing-here").statusCode(200).body("result", nullValue());
        Upstash.command(ALPHA_RW, "EXISTS", "greeting", "nothing-here").body("result", equalTo(1));
        assertEquals("hello", RawRedis.get(redis, "cache:alpha:greeting"));
        assertNull(RawRedis.get(redis, "greeting"));
    }

    @Test
    void base64EncodingKeepsStatusRepliesAndEncodesBulkStringsRecursively() {
        Upstash.base64(ALPHA_RW, "SET", "enc", "v").body("result", equalTo("OK"));
        Upstash.base64(ALPHA_RW, "GET", "enc").body("result", equalTo(b64("v")));
        Upstash.base64(ALPHA_RW, "RPUSH", "enc-list", "a", "b").body("result", equalTo(2));
        Upstash.base64(ALPHA_RW, "LRANGE", "enc-list", 0, -1).body("result", equalTo(List.of(b64("a"), b64("b"))));
        Upstash.base64(ALPHA_RW, "TYPE", "enc").body("result", equalTo(b64("string")));
        Upstash.base64(ALPHA_RW, "PING").body("result", equalTo(b64("PONG")));
        Upstash.base64(ALPHA_RW, "GET", "enc-missing").body("result", nullValue());
    }

    @Test
    void unicodeAndBinaryValuesRoundTrip() {
        String unicode = "значение ✓ — 値 🔑";
        Upstash.command(ALPHA_RW, "SET", "ключ🔑", unicode).body("result", equalTo("OK"));
        Upstash.command(ALPHA_RW, "GET", "ключ🔑").body("result", equalTo(unicode));
        Upstash.base64(ALPHA_RW, "GET", "ключ🔑").body("result", equalTo(b64(unicode)));
        byte[] binary = {0, 1, (byte) 0xff, (byte) 0xfe, (byte) 0x80, '\n'};
        RawRedis.call(redis, "SET", "cache:alpha:binary", binary, "EX", 60);
        String encoded = Upstash.base64(ALPHA_RW, "GET", "binary").statusCode(200).extract().path("result");
        assertTrue(java.util.Arrays.equals(binary, Base64.getDecoder().decode(encoded)));
    }

    @Test
    void aKeyWrittenWithoutTtlGetsTheNamespaceDefaultAndNoTtlExceedsTheMaximum() {
        Upstash.command(ALPHA_RW, "SET", "plain", "v");
        Upstash.command(ALPHA_RW, "HSET", "hash", "f", "v");
        Upstash.command(ALPHA_RW, "LPUSH", "list", "v");
        Upstash.command(ALPHA_RW, "SADD", "set", "v");
        Upstash.command(ALPHA_RW, "ZADD", "zset", 1, "v");
        Upstash.command(ALPHA_RW, "INCR", "counter");
        for (String key : List.of("plain", "hash", "list", "set", "zset", "counter")) {
            long ttl = RawRedis.ttl(redis, "cache:alpha:" + key);
            assertTrue(ttl > 3500 && ttl <= 3600, key + " has TTL " + ttl + ", not the default 1 h");
        }
        // Given TTLs stay; longer than the namespace's maximum (1 day) are clamped; PERSIST gets the default back.
        Upstash.command(ALPHA_RW, "SET", "short", "v", "EX", 100);
        assertTrue(RawRedis.ttl(redis, "cache:alpha:short") <= 100);
        Upstash.command(ALPHA_RW, "SET", "long", "v", "EX", 10_000_000);
        assertTrue(RawRedis.ttl(redis, "cache:alpha:long") <= 86_400);
        Upstash.command(ALPHA_RW, "EXPIRE", "long", 99_999_999);
        assertTrue(RawRedis.ttl(redis, "cache:alpha:long") <= 86_400);
        Upstash.command(ALPHA_RW, "PERSIST", "long");
        assertTrue(RawRedis.ttl(redis, "cache:alpha:long") > 0);
        // In a namespace with its own policy.
        Upstash.command(TIGHT_RW, "SET", "t-ttl", "v");
        long ttl = RawRedis.ttl(redis, "cache:tight:t-ttl");
        assertTrue(ttl > 100 && ttl <= 120, "tight's default is 2 minutes, got " + ttl);
        Upstash.command(TIGHT_RW, "SET", "t-ttl", "v", "EX", 3600);
        assertTrue(RawRedis.ttl(redis, "cache:tight:t-ttl") <= 600, "tight's maximum is 10 minutes");
    }

    @Test
    void theReadOnlyTokenReadsAndCannotWrite() {
        Upstash.command(ALPHA_RW, "SET", "ro-target", "original");
        Upstash.command(ALPHA_RO, "GET", "ro-target").statusCode(200).body("result", equalTo("original"));
        for (Object[] write : List.of(new Object[] {"SET", "ro-target", "changed"}, new Object[] {"DEL", "ro-target"},
                new Object[] {"EXPIRE", "ro-target", 1}, new Object[] {"RENAME", "ro-target", "elsewhere"},
                new Object[] {"INCR", "ro-counter"})) {
            Upstash.command(ALPHA_RO, write).statusCode(403).body("error", startsWith("NOPERM"));
        }
        Upstash.pipeline(ALPHA_RO, "pipeline", List.of(List.of("SET", "ro-target", "changed"))).statusCode(200)
                .body("[0].error", startsWith("NOPERM"));
        Upstash.pipeline(ALPHA_RO, "multi-exec", List.of(List.of("SET", "ro-target", "changed"))).statusCode(403);
        assertEquals("original", RawRedis.get(redis, "cache:alpha:ro-target"));
        assertNull(RawRedis.get(redis, "cache:alpha:elsewhere"));
    }

    @Test
    void badTokensAreRefusedInUpstashFormat() {
        Upstash.command("wrong-token", "SET", "k", "v").statusCode(401).body("error", containsString("Unauthorized"));
        given().contentType("application/json").body("[\"GET\",\"k\"]").post("/cache/v1/redis")
                .then().statusCode(401).contentType(containsString("application/json")).body("error", containsString("Unauthorized"));
        given().header("Authorization", "Basic " + ALPHA_RW).body("[\"GET\",\"k\"]").post("/cache/v1/redis").then().statusCode(401);
        given().queryParam("_token", ALPHA_RW).body("[\"SET\",\"via-query\",\"v\"]").post("/cache/v1/redis")
                .then().statusCode(200).body("result", equalTo("OK"));
        assertEquals("v", RawRedis.get(redis, "cache:alpha:via-query"));
        assertNull(RawRedis.get(redis, "cache:alpha:k"));
    }

    @Test
    void badJsonAndUnknownCommandsGetClearErrorsAndChangeNothing() {
        var before = RawRedis.snapshot(redis);
        for (String body : List.of("not json", "{\"SET\":\"k\"}", "[]", "[[\"SET\",\"k\",\"v\"]]", "[\"SET\",\"k\",{\"v\":1}]",
                "[\"SET\",\"k\",null]", "", "[\"SET\",\"k\"")) {
            Upstash.raw(ALPHA_RW, body).statusCode(400).contentType(containsString("application/json"))
                    .body("error", startsWith("ERR"));
        }
        Upstash.command(ALPHA_RW, "NOSUCHCOMMAND", "k").statusCode(400).body("error", equalTo("ERR unknown command 'nosuchcommand'"));
        Upstash.command(ALPHA_RW, "GET").statusCode(400).body("error", containsString("wrong number of arguments"));
        Upstash.pipeline(ALPHA_RW, "pipeline", "{\"not\":\"a list\"}").statusCode(400).body("error", startsWith("ERR"));
        Upstash.pipeline(ALPHA_RW, "multi-exec", List.of("SET", "k", "v")).statusCode(400).body("error", startsWith("ERR"));
        assertEquals(before, RawRedis.snapshot(redis));
    }

    @Test
    void redisErrorsComeBackAs400() {
        Upstash.command(ALPHA_RW, "SET", "a-string", "x");
        Upstash.command(ALPHA_RW, "HGET", "a-string", "f").statusCode(400).body("error", startsWith("WRONGTYPE"));
        Upstash.command(ALPHA_RW, "INCR", "a-string").statusCode(400).body("error", startsWith("ERR"));
    }

    @Test
    void oversizeValuesAndBodiesAreRefusedAndChangeNothing() {
        String big = "x".repeat(2000);
        Upstash.command(TIGHT_RW, "SET", "big", big).statusCode(400).body("error", containsString("value too large"));
        Upstash.command(TIGHT_RW, "APPEND", "big", big).statusCode(400);
        assertNull(RawRedis.get(redis, "cache:tight:big"));
        String huge = "y".repeat(2_100_000);
        Upstash.command(ALPHA_RW, "SET", "huge", huge).statusCode(400).body("error", containsString("too large"));
        assertNull(RawRedis.get(redis, "cache:alpha:huge"));
        Object[][] many = new Object[1001][];
        for (int i = 0; i < many.length; i++) {
            many[i] = new Object[] {"SET", "many" + i, "v"};
        }
        Upstash.pipeline(ALPHA_RW, "pipeline", many).statusCode(400).body("error", containsString("too many commands"));
        assertNull(RawRedis.get(redis, "cache:alpha:many0"));
    }

    @Test
    void commandGroupsOutsideThePolicyAreRefused() {
        Upstash.command(TIGHT_RW, "HSET", "h", "f", "v").statusCode(403).body("error", startsWith("NOPERM"));
        Upstash.command(TIGHT_RW, "SET", "allowed", "v").statusCode(200);
        assertNull(RawRedis.get(redis, "cache:tight:h"));
    }

    @Test
    void thePathFormWorks() {
        given().urlEncodingEnabled(false).header("Authorization", "Bearer " + ALPHA_RW).get("/cache/v1/redis/set/path-key/path%20value/EX/100")
                .then().statusCode(200).body("result", equalTo("OK"));
        given().header("Authorization", "Bearer " + ALPHA_RW).get("/cache/v1/redis/get/path-key")
                .then().statusCode(200).body("result", equalTo("path value"));
        given().header("Authorization", "Bearer " + ALPHA_RW).body("{\"json\":\"as the last argument\"}").post("/cache/v1/redis/set/path-body")
                .then().statusCode(200).body("result", equalTo("OK"));
        assertEquals("{\"json\":\"as the last argument\"}", RawRedis.get(redis, "cache:alpha:path-body"));
        given().queryParam("_token", ALPHA_RW).get("/cache/v1/redis/flushall").then().statusCode(403)
                .body("error", containsString("not available"));
    }

    @Test
    void pipelineRunsEachCommandOnItsOwn() {
        Upstash.pipeline(ALPHA_RW, "pipeline", List.of(List.of("SET", "pl", "1"), List.of("INCR", "pl"), List.of("FLUSHALL"),
                        List.of("HGET", "pl", "f"), List.of("GET", "pl")))
                .statusCode(200)
                .body("[0].result", equalTo("OK"))
                .body("[1].result", equalTo(2))
                .body("[2].error", containsString("not available"))
                .body("[3].error", startsWith("WRONGTYPE"))
                .body("[4].result", equalTo("2"));
    }

    @Test
    void multiExecIsAtomicAndKeepsTtls() {
        Upstash.pipeline(ALPHA_RW, "multi-exec", List.of(List.of("SET", "tx", "1"), List.of("INCR", "tx"), List.of("HSET", "tx-h", "f", "v"),
                        List.of("GET", "tx")))
                .statusCode(200)
                .body("[0].result", equalTo("OK"))
                .body("[1].result", equalTo(2))
                .body("[2].result", equalTo(1))
                .body("[3].result", equalTo("2"));
        assertTrue(RawRedis.ttl(redis, "cache:alpha:tx-h") > 0);
        // One refused command refuses the whole transaction: nothing of it runs.
        Upstash.pipeline(ALPHA_RW, "multi-exec", List.of(List.of("SET", "tx-2", "1"), List.of("FLUSHALL")))
                .statusCode(403).body("error", containsString("not available"));
        assertNull(RawRedis.get(redis, "cache:alpha:tx-2"));
        // A runtime error is that command's; the others ran.
        Upstash.pipeline(ALPHA_RW, "multi-exec", List.of(List.of("SET", "tx-3", "x"), List.of("INCR", "tx-3")))
                .statusCode(200).body("[0].result", equalTo("OK")).body("[1].error", startsWith("ERR"));
    }

    @Test
    void scanAndKeysOnlySeeTheNamespaceWithoutItsPrefix() {
        RawRedis.call(redis, "SET", "cache:beta:scan-other", "x", "EX", 600);
        RawRedis.call(redis, "SET", "events:scan-fleet", "x", "EX", 600);
        for (String key : List.of("scan-a", "scan-b", "scan-c")) {
            Upstash.command(ALPHA_RW, "SET", key, "v");
        }
        java.util.Set<String> seen = new java.util.TreeSet<>();
        String cursor = "0";
        do {
            List<Object> page = Upstash.command(ALPHA_RW, "SCAN", cursor, "MATCH", "scan-*", "COUNT", 100).statusCode(200)
                    .extract().path("result");
            cursor = (String) page.get(0);
            @SuppressWarnings("unchecked")
            List<String> keys = (List<String>) page.get(1);
            seen.addAll(keys);
        } while (!"0".equals(cursor));
        assertEquals(java.util.Set.of("scan-a", "scan-b", "scan-c"), seen);
        List<String> all = Upstash.command(ALPHA_RW, "KEYS", "*").statusCode(200).extract().path("result");
        assertTrue(all.containsAll(List.of("scan-a", "scan-b", "scan-c")));
        // Exactly alpha's keys, without the prefix (other tests may have named keys of alpha "cache:beta:..." too).
        assertEquals(new java.util.TreeSet<>(RawRedis.keys(redis, "cache:alpha:*").stream().map(k -> k.substring("cache:alpha:".length())).toList()),
                new java.util.TreeSet<>(all));
        assertTrue(!all.contains("scan-other") && !all.contains("events:scan-fleet"), all.toString());
        List<String> beta = Upstash.command(AuthStub.BETA_RW, "KEYS", "*").extract().path("result");
        assertEquals(List.of("scan-other"), beta.stream().filter(k -> k.startsWith("scan")).toList());
    }

    @Test
    void rateLimitIsPerNamespace() throws Exception {
        // Concurrent, so that even a slow machine sends more than 30 within a second.
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        List<java.util.concurrent.Future<Integer>> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 120; i++) {
            statuses.add(pool.submit(() -> Upstash.command(TIGHT_RW, "GET", "rate").extract().statusCode()));
        }
        int limited = 0;
        for (var status : statuses) {
            if (status.get() == 429) {
                limited++;
            }
        }
        pool.shutdown();
        Upstash.command(TIGHT_RW, "GET", "rate").statusCode(org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(429)))
                .body("error", org.hamcrest.Matchers.anyOf(nullValue(), containsString("max requests limit exceeded")));
        assertTrue(limited > 0, "tight allows 30 requests per second; 80 in a row were all served");
        Upstash.command(ALPHA_RW, "GET", "rate").statusCode(200);
        Thread.sleep(1100);
        Upstash.command(TIGHT_RW, "GET", "rate").statusCode(200);
    }

    @Test
    void aFullNamespaceRefusesNewWritesButStillReadsAndDeletes() throws Exception {
        Thread.sleep(1100); // tight's requests per second, whatever ran before
        RawRedis.keys(redis, "cache:tight:*").forEach(k -> RawRedis.call(redis, "DEL", k));
        for (int i = 1; i <= 5; i++) {
            Upstash.command(TIGHT_RW, "SET", "mk" + i, "v").statusCode(200);
        }
        stats.count();
        Upstash.command(TIGHT_RW, "SET", "mk6", "v").statusCode(400).body("error", containsString("namespace full"));
        assertNull(RawRedis.get(redis, "cache:tight:mk6"));
        Upstash.command(TIGHT_RW, "GET", "mk1").statusCode(200).body("result", equalTo("v"));
        Upstash.command(TIGHT_RW, "DEL", "mk1", "mk2", "mk3", "mk4", "mk5").statusCode(200).body("result", equalTo(5));
        stats.count();
        Upstash.command(TIGHT_RW, "SET", "mk6", "v").statusCode(200);
    }

    @Test
    void metricsAreTaggedWithTheNamespace() {
        Upstash.command(ALPHA_RW, "SET", "metric", "v");
        Upstash.command(ALPHA_RW, "GET", "metric");
        Upstash.command(ALPHA_RW, "GET", "metric-missing");
        Upstash.command(ALPHA_RW, "FLUSHALL");
        stats.count();
        String metrics = dev.groundwork.testsupport.ManagementInterface.given().accept("text/plain").get("/q/metrics")
                .then().statusCode(200).extract().asString();
        List<String> lines = metrics.lines().filter(l -> l.startsWith("cache_")).toList();
        for (List<String> wanted : List.of(List.of("cache_commands_total{", "kind=\"write\""), List.of("cache_reads_total{", "outcome=\"hit\""),
                List.of("cache_reads_total{", "outcome=\"miss\""), List.of("cache_refusals_total{", "reason=\"command\""),
                List.of("cache_namespace_keys{"), List.of("cache_namespace_bytes{"))) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(wanted.get(0)) && l.contains("namespace=\"alpha\"")
                    && wanted.stream().skip(1).allMatch(l::contains)), "no " + wanted + " in " + lines);
        }
    }

    @Test
    void redisErrorsNeverShowTheNamespacePrefix() {
        Upstash.command(ALPHA_RW, "SET", "err-src", "x");
        Upstash.command(ALPHA_RW, "RENAME", "err-missing", "err-dst").statusCode(400).body("error", equalTo("ERR no such key"));
        Upstash.command(ALPHA_RW, "OBJECT", "ENCODING", "err-src").statusCode(200);
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void dbsizeCountsOnlyTheNamespacesKeys() {
        Upstash.command(ALPHA_RW, "SET", "counted", "1").statusCode(200);
        RawRedis.call(redis, "SET", "not-a-namespace-key", "x");
        long alphaKeys = RawRedis.call(redis, "KEYS", "cache:alpha:*").size();
        Upstash.command(ALPHA_RW, "DBSIZE").statusCode(200).body("result", equalTo((int) alphaKeys));
        Upstash.command(ALPHA_RO, "DBSIZE").statusCode(200).body("result", equalTo((int) alphaKeys));
    }

    @Test
    void streamsAreReadWithoutBlockAndTheirNamesComeBackWithoutThePrefix() {
        Upstash.command(ALPHA_RW, "DEL", "orders").statusCode(200);
        String id = Upstash.command(ALPHA_RW, "XADD", "orders", "*", "item", "book").statusCode(200).extract().path("result");
        Upstash.command(ALPHA_RW, "XREAD", "COUNT", 10, "STREAMS", "orders", "0").statusCode(200)
                .body("result[0][0]", equalTo("orders"))
                .body("result[0][1][0][0]", equalTo(id))
                .body("result[0][1][0][1]", equalTo(List.of("item", "book")));
        Upstash.command(ALPHA_RW, "XGROUP", "CREATE", "orders", "shipping", "0").statusCode(200);
        Upstash.command(ALPHA_RW, "XREADGROUP", "GROUP", "shipping", "worker-1", "COUNT", 1, "STREAMS", "orders", ">")
                .statusCode(200).body("result[0][0]", equalTo("orders")).body("result[0][1][0][0]", equalTo(id));
        // With BLOCK they would hold up the connection that every request of the event loop shares: refused.
        Upstash.command(ALPHA_RW, "XREAD", "BLOCK", 10, "STREAMS", "orders", "$").statusCode(403);
        // XREADGROUP moves entries to the pending list: a write, not for a read-only token.
        Upstash.command(ALPHA_RO, "XREADGROUP", "GROUP", "shipping", "worker-2", "STREAMS", "orders", ">").statusCode(403);
        Upstash.command(ALPHA_RO, "XREAD", "STREAMS", "orders", "0").statusCode(200).body("result[0][0]", equalTo("orders"));
    }

}
