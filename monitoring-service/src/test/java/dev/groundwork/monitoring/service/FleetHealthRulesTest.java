package dev.groundwork.monitoring.service;

import dev.groundwork.monitoring.client.ReadinessProbe.Result;
import dev.groundwork.monitoring.repository.FleetRepository.ServiceState;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fleet health's rules without a server: when a probe changes a status, and which configured lists start. */
class FleetHealthRulesTest {

    static final Result OK = new Result(true, "HTTP 200");
    static final Result FAILED = new Result(false, "connection refused");

    @Test
    void oneSuccessMakesUpAndOnlyThresholdFailuresInARowMakeDown() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        ServiceState up = FleetHealth.next("auth", null, OK, t0, 3);
        assertEquals("up", up.status());
        assertEquals(t0, up.since());

        ServiceState once = FleetHealth.next("auth", up, FAILED, t0.plusSeconds(10), 3);
        ServiceState twice = FleetHealth.next("auth", once, FAILED, t0.plusSeconds(20), 3);
        assertEquals("up", twice.status(), "two dropped probes do not flap it");
        assertEquals(t0, twice.since());
        assertEquals("connection refused", twice.detail());
        ServiceState recovered = FleetHealth.next("auth", twice, OK, t0.plusSeconds(30), 3);
        assertEquals(0, recovered.failures(), "a success starts the count again");

        ServiceState down = FleetHealth.next("auth", FleetHealth.next("auth", FleetHealth.next("auth", recovered, FAILED,
                t0.plusSeconds(40), 3), FAILED, t0.plusSeconds(50), 3), FAILED, t0.plusSeconds(60), 3);
        assertEquals("down", down.status());
        assertEquals(t0.plusSeconds(60), down.since());
        assertEquals(t0.plusSeconds(60), FleetHealth.next("auth", down, FAILED, t0.plusSeconds(70), 3).since(), "down since the first time");
        assertEquals("unknown", FleetHealth.next("auth", null, FAILED, t0, 3).status(), "unknown until the threshold");
        assertEquals("down", FleetHealth.next("auth", null, FAILED, t0, 1).status());
    }

    @Test
    void theServiceListIsNameEqualsUrlAndABadEntryStopsTheStartWithoutShowingItsUrl() {
        var targets = FleetHealth.targets(List.of("auth-service=http://auth:9000/q/health/ready", " cache = https://cache:9000/q/health/ready "));
        assertEquals(List.of("auth-service", "cache"), List.copyOf(targets.keySet()));
        assertEquals(URI.create("https://cache:9000/q/health/ready"), targets.get("cache"));
        assertTrue(FleetHealth.targets(List.of()).isEmpty());

        for (List<String> bad : List.of(List.of("auth-service"), List.of("Auth=http://a:9000/"), List.of("a=http://a:9000/", "a=http://b:9000/"),
                List.of("a=ftp://user:s3cret@a/"), List.of("a=http://user:s3cret@[bad/"), List.of("a=/q/health/ready"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> FleetHealth.targets(bad), bad.toString());
            assertTrue(e.getMessage().startsWith(FleetHealth.BAD_SERVICES), e.getMessage());
            assertFalse(e.getMessage().contains("s3cret") || e.getMessage().contains("http://"), e.getMessage());
        }
    }

    @Test
    void uptimeIsRoundedDownSoThatAHundredMeansNoDowntime() {
        assertEquals(99.99, FleetHealth.percent(86_399.0, 86_400.0));
        assertEquals(100.0, FleetHealth.percent(60.0, 60.0));
        assertEquals(0.0, FleetHealth.percent(null, 60.0));
        assertEquals(null, FleetHealth.percent(0.0, 0.0));
    }
}
