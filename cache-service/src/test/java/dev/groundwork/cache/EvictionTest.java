package dev.groundwork.cache;

import dev.groundwork.cache.service.EvictionPolicy;
import dev.groundwork.testsupport.ManagementInterface;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
