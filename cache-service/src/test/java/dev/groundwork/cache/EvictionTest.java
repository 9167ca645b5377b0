package dev.groundwork.cache;

import dev.groundwork.cache.service.EvictionPolicy;
import dev.groundwork.http.Problem;
import dev.groundwork.testsupport.ManagementInterface;
import dev.groundwork.testsupport.RedisConnection;
import dev.groundwork.testsupport.RedisServerProcess;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The shared Redis' eviction settings: judged, shown in readiness (which stays UP) and as a gauge. */
@QuarkusTest
class EvictionTest {

    @Inject
    EvictionPolicy eviction;

    @Test
    void onlyPoliciesThatSpareKeysWithoutTtlWithAMemoryLimitAreSafe() {
        assertNotNull(EvictionPolicy.problem("allkeys-lru", 1L << 30));
        assertNotNull(EvictionPolicy.problem("allkeys-random", 1L << 30));
        assertNotNull(EvictionPolicy.problem("noeviction", 0));
        assertNotNull(EvictionPolicy.problem("volatile-lru", 0));
        assertNull(EvictionPolicy.problem("volatile-lru", 1L << 30));
        assertNull(EvictionPolicy.problem("volatile-lfu", 1L << 30));
        assertNull(EvictionPolicy.problem("noeviction", 1L << 30));
    }

    @Inject
    io.vertx.mutiny.core.Vertx vertx;

    /**
     * A Redis of the test's own: allkeys-lru is found through CONFIG GET, and through INFO memory once CONFIG is refused;
     * setting a policy takes only noeviction or volatile-*.
     */
    @Test
    void anAllkeysPolicyIsFoundWithOrWithoutConfig() throws Exception {
        try (RedisServerProcess server = RedisServerProcess.start();
             RedisConnection admin = RedisConnection.open(server.url())) {
            admin.call("CONFIG", "SET", "maxmemory", "100mb");
            admin.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
            io.vertx.mutiny.redis.client.Redis client = io.vertx.mutiny.redis.client.Redis.createClient(vertx,
                    new io.vertx.redis.client.RedisOptions().setConnectionString(server.url().url())
                            .setPreferredProtocolVersion(io.vertx.redis.client.ProtocolVersion.RESP2));
            try {
                EvictionPolicy.State byConfig = EvictionPolicy.read(client, false);
                assertEquals("CONFIG GET", byConfig.source());
                assertEquals("allkeys-lru", byConfig.policy());
                assertEquals(100L * 1024 * 1024, byConfig.maxmemory());
                assertFalse(byConfig.safe());
                // What a managed Redis does: CONFIG is not for tenants.
                admin.call("ACL", "SETUSER", "default", "-config");
                EvictionPolicy.State byInfo = EvictionPolicy.read(client, false);
                assertEquals("INFO memory", byInfo.source());
                assertEquals("allkeys-lru", byInfo.policy());
                assertFalse(byInfo.safe());
                // Setting it (what the admin API does when an operator allows it): refused by this Redis, a 502.
                Problem refusedByRedis = assertThrows(Problem.class, () -> EvictionPolicy.apply(client, "volatile-lfu"));
                assertEquals(502, refusedByRedis.status());
                admin.call("ACL", "SETUSER", "default", "+config");
                assertEquals(400, assertThrows(Problem.class, () -> EvictionPolicy.apply(client, "allkeys-lfu")).status());
                assertEquals(400, assertThrows(Problem.class, () -> EvictionPolicy.apply(client, "")).status());
                assertEquals("allkeys-lru", EvictionPolicy.read(client, false).policy());
                EvictionPolicy.apply(client, "volatile-lfu");
                assertTrue(EvictionPolicy.read(client, false).safe());
                assertEquals("volatile-lfu", EvictionPolicy.read(client, false).policy());
            } finally {
                client.close();
            }
        }
    }

    @Test
    void readinessStaysUpAndCarriesTheDetailAndTheGaugeSaysIt() {
        EvictionPolicy.State state = eviction.check();
        ManagementInterface.given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Redis eviction policy"))
                .body("checks.find { it.name == 'Redis eviction policy' }.data.safe", equalTo(state.safe()))
                .body("checks.find { it.name == 'Redis eviction policy' }.data.maxmemory-policy", equalTo(state.policy()));
        ManagementInterface.given().accept("text/plain").get("/q/metrics").then().statusCode(200)
                .body(containsString("cache_redis_eviction_unsafe " + (state.safe() ? "0.0" : "1.0")));
        assertEquals(state.problem() == null, state.safe());
    }
}
