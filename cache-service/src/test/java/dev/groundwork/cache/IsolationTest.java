package dev.groundwork.cache;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeMap;

import static dev.groundwork.cache.AuthStub.ALPHA_RO;
import static dev.groundwork.cache.AuthStub.ALPHA_RW;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adversarial: namespace alpha's token tries to reach beta's keys and the fleet's own ({@code events:*},
 * {@code gw:*}, {@code auth:*}) with every refused command and every key-moving one; afterwards those keys are
 * exactly as they were, and nothing exists outside {@code cache:alpha:} that was not there before.
 */
@QuarkusTest
class IsolationTest {

    /** Names an attacker would aim at, as they are in Redis and as relative-looking tricks. */
    static final List<String> VICTIMS = List.of("cache:beta:secret", "events:identity", "gw:limits:x", "auth:revoked:x",
            "../beta:secret", "*", "beta:secret");

    @Inject
    Redis redis;

    @BeforeEach
    void fleetKeys() {
        RawRedis.call(redis, "SET", "cache:beta:secret", "beta's value", "EX", 3600);
        RawRedis.call(redis, "XADD", "events:identity", "*", "type", "user.registered");
        RawRedis.call(redis, "SET", "gw:limits:x", "5");
        RawRedis.call(redis, "SET", "auth:revoked:x", "1");
        RawRedis.call(redis, "SADD", "cache:beta:set", "b1");
        RawRedis.call(redis, "EXPIRE", "cache:beta:set", 3600);
        Upstash.command(ALPHA_RW, "SET", "mine", "alpha's value").statusCode(200);
        Upstash.command(ALPHA_RW, "SADD", "myset", "a1").statusCode(200);
        Upstash.command(ALPHA_RW, "RPUSH", "mylist", "3", "1", "2").statusCode(200);
        Upstash.command(ALPHA_RW, "ZADD", "myz", 1, "m").statusCode(200);
        Upstash.command(ALPHA_RW, "GEOADD", "mygeo", 13.361389, 38.115556, "Palermo").statusCode(200);
    }

    @Test
    void everyRefusedCommandIsRefusedInUpstashFormatAndChangesNothing() {
        TreeMap<String, String> before = RawRedis.snapshot(redis);
        List<List<Object>> refused = List.of(
                List.of("FLUSHALL"), List.of("FLUSHALL", "ASYNC"), List.of("FLUSHDB", "bogus"),
                List.of("CONFIG", "GET", "*"), List.of("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"),
                List.of("CLIENT", "LIST"), List.of("CLIENT", "KILL", "TYPE", "normal"), List.of("DEBUG", "SLEEP", "0"),
                List.of("MONITOR"), List.of("SUBSCRIBE", "c"), List.of("PSUBSCRIBE", "*"), List.of("PUBLISH", "c", "m"),
                List.of("SSUBSCRIBE", "c"), List.of("SPUBLISH", "c", "m"), List.of("PUBSUB", "CHANNELS"),
                List.of("SELECT", "1"), List.of("SWAPDB", "0", "1"), List.of("MOVE", "mine", "1"),
                List.of("MIGRATE", "127.0.0.1", "6379", "mine", "0", "1000"), List.of("WAIT", "0", "0"),
                List.of("SHUTDOWN"), List.of("SAVE"), List.of("BGSAVE"), List.of("BGREWRITEAOF"), List.of("REPLICAOF", "NO", "ONE"),
                List.of("SLAVEOF", "NO", "ONE"), List.of("ACL", "LIST"), List.of("ACL", "SETUSER", "x"), List.of("MODULE", "LIST"),
                List.of("SCRIPT", "FLUSH"), List.of("SCRIPT", "LOAD", "return 1"),
                List.of("EVAL", "return redis.call('del', 'events:identity')", "0"),
                List.of("EVAL", "return redis.call('get', KEYS[1])", "1", "mine"),
                List.of("EVALSHA", "0000000000000000000000000000000000000000", "0"), List.of("EVAL_RO", "return 1", "0"),
                List.of("FCALL", "f", "0"), List.of("FCALL_RO", "f", "0"), List.of("FUNCTION", "LIST"), List.of("FUNCTION", "FLUSH"),
                List.of("SORT", "mylist", "BY", "gw:*", "STORE", "events:identity"), List.of("SORT", "mylist"),
                List.of("SORT_RO", "mylist", "GET", "cache:beta:*"), List.of("RANDOMKEY"),
                List.of("RESTORE", "restored", "0", "x"), List.of("COPY", "mine", "copy-elsewhere", "DB", "1"),
                List.of("BLPOP", "mylist", "1"), List.of("BRPOPLPUSH", "mylist", "x", "1"), List.of("XREAD", "BLOCK", "1", "STREAMS", "s", "0"),
                List.of("XREADGROUP", "GROUP", "g", "c", "BLOCK", "1", "STREAMS", "s", ">"),
                List.of("MULTI"), List.of("EXEC"), List.of("WATCH", "mine"), List.of("INFO"), List.of("LASTSAVE"), List.of("TIME"),
                List.of("HELLO", "3"), List.of("AUTH", "x"), List.of("COMMAND"), List.of("LATENCY", "LATEST"), List.of("SLOWLOG", "GET"),
                List.of("MEMORY", "STATS"), List.of("OBJECT", "HELP"), List.of("FAILOVER"), List.of("CLUSTER", "INFO"),
                List.of("READONLY"), List.of("RESET"), List.of("QUIT"), List.of("LOLWUT"), List.of("PFDEBUG", "GETREG", "x"),
                List.of("PFSELFTEST"), List.of("SYNC"), List.of("PSYNC", "?", "-1"), List.of("REPLCONF", "x"));
        for (List<Object> command : refused) {
            Upstash.command(ALPHA_RW, command.toArray())
                    .statusCode(anyOf(equalTo(403), equalTo(400)))
                    .body("error", notNullValue());
        }
        assertEquals(before, RawRedis.snapshot(redis), "a refused command changed Redis");
    }

    @Test
    void keyMovingCommandsStayInsideTheNamespace() {
        TreeMap<String, String> outside = outsideAlpha();
        for (String victim : VICTIMS) {
            List<List<Object>> attempts = List.of(
                    List.of("GET", victim), List.of("SET", victim, "pwned"), List.of("DEL", victim), List.of("UNLINK", victim),
                    List.of("APPEND", victim, "x"), List.of("EXPIRE", victim, "1"), List.of("XADD", victim, "*", "f", "v"),
                    List.of("COPY", "mine", victim, "REPLACE"), List.of("COPY", victim, "stolen", "REPLACE"),
                    List.of("RENAME", "mine", victim), List.of("RENAMENX", "mine", victim),
                    List.of("SMOVE", "myset", victim, "a1"), List.of("SMOVE", victim, "myset", "b1"),
                    List.of("LMOVE", "mylist", victim, "LEFT", "RIGHT"), List.of("RPOPLPUSH", victim, "mylist"),
                    List.of("SUNIONSTORE", victim, "myset", victim), List.of("SINTERSTORE", victim, "myset"),
                    List.of("SDIFFSTORE", victim, "myset"), List.of("ZUNIONSTORE", victim, "2", "myz", victim),
                    List.of("ZINTERSTORE", victim, "1", "myz"), List.of("ZRANGESTORE", victim, "myz", "0", "-1"),
                    List.of("ZUNION", "2", "myz", victim), List.of("SINTERCARD", "2", "myset", victim),
                    List.of("LMPOP", "2", victim, "mylist", "LEFT"), List.of("ZMPOP", "2", victim, "myz", "MIN"),
                    List.of("GEORADIUS", "mygeo", "15", "37", "200", "km", "STORE", victim),
                    List.of("GEORADIUS", "mygeo", "15", "37", "200", "km", "STORE", "ok-dest", "STORE", victim),
                    List.of("GEORADIUS", "mygeo", "15", "37", "200", "km", "STOREDIST", victim),
                    List.of("GEOSEARCHSTORE", victim, "mygeo", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"),
                    List.of("BITOP", "OR", victim, "mine", victim), List.of("PFMERGE", victim, "mine"),
                    List.of("MSET", "a", "1", victim, "pwned"), List.of("MSETNX", victim, "pwned", "b", "1"),
                    List.of("MGET", "mine", victim), List.of("DUMP", victim), List.of("OBJECT", "ENCODING", victim),
                    List.of("TOUCH", victim), List.of("TYPE", victim), List.of("EXISTS", victim), List.of("STRLEN", victim),
                    List.of("GETDEL", victim), List.of("GETEX", victim, "PERSIST"), List.of("SETRANGE", victim, "0", "x"),
                    List.of("MEMORY", "USAGE", victim), List.of("SCAN", "0", "MATCH", victim), List.of("KEYS", victim),
                    List.of("XREAD", "STREAMS", victim, "0"), List.of("XREAD", "STREAMS", "mystream", victim, "0", "0"));
            for (List<Object> attempt : attempts) {
                int status = Upstash.command(ALPHA_RW, attempt.toArray()).extract().statusCode();
                assertTrue(status == 200 || status == 400 || status == 403, attempt + " answered " + status);
            }
            Upstash.pipeline(ALPHA_RW, "pipeline", attempts).statusCode(200);
        }
        assertEquals(outside, outsideAlpha(), "something outside cache:alpha: changed");
        // Nothing of beta or the fleet can be read back either.
        for (String victim : VICTIMS) {
            Upstash.command(ALPHA_RW, "GET", victim).statusCode(anyOf(equalTo(200), equalTo(400)));
        }
        List<String> keys = Upstash.command(ALPHA_RW, "KEYS", "*").extract().path("result");
        assertTrue(keys.stream().noneMatch(k -> k.equals("secret") || k.equals("identity")), keys.toString());
        // A key of alpha's may be named "cache:beta:secret" (alpha just wrote it); it is never beta's.
        Upstash.command(ALPHA_RW, "GET", "cache:beta:secret").body("result", org.hamcrest.Matchers.not(equalTo("beta's value")));
        Upstash.command(ALPHA_RW, "GET", "beta:secret").body("result", org.hamcrest.Matchers.not(equalTo("beta's value")));
        assertEquals("beta's value", RawRedis.get(redis, "cache:beta:secret"));
    }

    @Test
    void flushdbEmptiesOnlyTheNamespace() {
        Upstash.command(AuthStub.BETA_RW, "SET", "to-flush", "v").statusCode(200);
        TreeMap<String, String> others = RawRedis.snapshot(redis);
        others.keySet().removeIf(k -> k.startsWith("cache:beta:"));
        Upstash.command(ALPHA_RO, "FLUSHDB").statusCode(403);
        Upstash.command(AuthStub.BETA_RW, "FLUSHDB").statusCode(200).body("result", equalTo("OK"));
        assertTrue(RawRedis.keys(redis, "cache:beta:*").isEmpty());
        TreeMap<String, String> after = RawRedis.snapshot(redis);
        after.keySet().removeIf(k -> k.startsWith("cache:beta:"));
        assertEquals(others, after, "FLUSHDB of beta changed another namespace or the fleet's keys");
        Upstash.command(AuthStub.BETA_RW, "FLUSHDB", "ASYNC").statusCode(200);
        Upstash.pipeline(AuthStub.BETA_RW, "multi-exec", List.of(List.of("FLUSHDB"))).statusCode(403);
    }

    @Test
    void readOnlyTokensMayPingAndEcho() {
        Upstash.command(ALPHA_RO, "PING").statusCode(200).body("result", equalTo("PONG"));
        Upstash.command(ALPHA_RO, "ECHO", "hi").statusCode(200).body("result", equalTo("hi"));
    }

    @Test
    void everyKeyTheApiWritesIsInTheNamespaceWithATtl() {
        for (String key : RawRedis.keys(redis, "cache:alpha:*")) {
            long ttl = RawRedis.ttl(redis, key);
            assertTrue(ttl > 0, key + " has no TTL (" + ttl + ")");
        }
    }

    /** Every key that is not alpha's, with its value: what alpha must never change. */
    private TreeMap<String, String> outsideAlpha() {
        TreeMap<String, String> out = RawRedis.snapshot(redis);
        out.keySet().removeIf(k -> k.startsWith("cache:alpha:"));
        return out;
    }
}
