package dev.groundwork.e2e;

import dev.groundwork.testsupport.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The five packaged services as separate processes: they all come up, their readiness follows Redis (DOWN when
 * it stops, UP again when it returns, without a restart), and they stop cleanly. The fleet has a Redis of its
 * own so that the test can kill it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetIT {

    static RedisServerProcess redis;
    static Fleet fleet;

    @BeforeAll
    static void startFleet() throws Exception {
        redis = RedisServerProcess.start();
        fleet = Fleet.start(redis.url());
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void everyServiceBecomesReady() {
        fleet.awaitReady(Duration.ofSeconds(120));
        for (String service : Fleet.SERVICES) {
            assertEquals(200, fleet.status(service, "/q/health/live"), service + " live");
            assertEquals(200, fleet.status(service, "/q/health/started"), service + " started");
        }
    }

    @Test
    @Order(2)
    void readinessTurnsDownWithRedisAndUpWhenItReturns() throws Exception {
        fleet.awaitReady(Duration.ofSeconds(120));

        redis.stop();
        fleet.awaitReadiness(status -> status == 503, Duration.ofSeconds(60));
        for (String service : Fleet.SERVICES) {
            assertEquals(200, fleet.status(service, "/q/health/live"), service + ": liveness must not depend on Redis");
        }

        redis.restart();
        fleet.awaitReady(Duration.ofSeconds(60));
    }

    @Test
    @Order(3)
    void theFleetStopsCleanly() {
        fleet.close();
        for (String service : Fleet.SERVICES) {
            assertFalse(fleet.process(service).isAlive(), service + " still running");
            assertEquals(-1, fleet.status(service, "/q/health/live"), service + " still answers");
        }
    }
}
