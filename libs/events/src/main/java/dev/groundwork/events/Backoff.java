package dev.groundwork.events;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** Capped exponential backoff with jitter: a loop that fails waits longer each time, but never gives up. */
final class Backoff {

    private final long minMillis;
    private final long maxMillis;
    private int failures;

    Backoff(Duration min, Duration max) {
        this.minMillis = Math.max(1, min.toMillis());
        this.maxMillis = Math.max(minMillis, max.toMillis());
    }

    /** The wait after one more failure: min × 2^failures, capped, with ±20% jitter so replicas do not align. */
    Duration next() {
        long base = Math.min(maxMillis, minMillis << Math.min(failures, 20));
        failures++;
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis(Math.max(1, Math.round(base * jitter)));
    }

    int failures() {
        return failures;
    }

    void reset() {
        failures = 0;
    }

    /** Waits {@code wait} unless {@code stopped} opens first; false when the loop must end (stopped or interrupted). */
    static boolean pause(CountDownLatch stopped, Duration wait) {
        try {
            return !stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
