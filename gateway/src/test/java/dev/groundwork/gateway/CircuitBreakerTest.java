package dev.groundwork.gateway;

import dev.groundwork.gateway.client.CircuitBreaker;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CircuitBreakerTest {

    @Test
    void aProbeThatNeverReportsDoesNotHoldTheBreakerForever() throws Exception {
        CircuitBreaker breaker = new CircuitBreaker(1, Duration.ofMillis(100));
        breaker.failed();
        assertFalse(breaker.allow(), "open");
        Thread.sleep(120);
        assertTrue(breaker.allow(), "the probe");
        assertFalse(breaker.allow(), "one probe at a time");
        Thread.sleep(120);
        assertTrue(breaker.allow(), "the first probe never reported: another one may go");
        breaker.succeeded();
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
        assertTrue(breaker.allow());
    }
}
