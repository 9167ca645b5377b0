package dev.groundwork.gateway.client;

import java.time.Duration;

/**
 * One upstream's breaker: closed while it answers; open after {@code threshold} failures in a row (connection
 * refused, timeout, 5xx from the proxy's point of view), answering 503 without calling it; after {@code openFor}
 * one probe goes through (half-open), and its outcome closes or reopens the breaker.
 */
public final class CircuitBreaker {

    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final int threshold;
    private final long openForNanos;
    private int failures;
    private long openedAt;
    private State state = State.CLOSED;
    private boolean probing;
    private long probeStartedAt;

    public CircuitBreaker(int threshold, Duration openFor) {
        this.threshold = threshold;
        this.openForNanos = openFor.toNanos();
    }

    /** Whether a request may go to the upstream now (in half-open, only the one probe). */
    public synchronized boolean allow() {
        if (state == State.OPEN && System.nanoTime() - openedAt >= openForNanos) {
            state = State.HALF_OPEN;
            probing = false;
        }
        if (state == State.HALF_OPEN) {
            // A probe whose outcome never came (its client went away mid-request) must not hold the breaker forever.
            if (probing && System.nanoTime() - probeStartedAt < openForNanos) {
                return false;
            }
            probing = true;
            probeStartedAt = System.nanoTime();
            return true;
        }
        return state == State.CLOSED;
    }

    public synchronized void succeeded() {
        failures = 0;
        state = State.CLOSED;
        probing = false;
    }

    public synchronized void failed() {
        failures++;
        if (state == State.HALF_OPEN || failures >= threshold) {
            state = State.OPEN;
            openedAt = System.nanoTime();
            probing = false;
        }
    }

    public synchronized State state() {
        return state == State.OPEN && System.nanoTime() - openedAt >= openForNanos ? State.HALF_OPEN : state;
    }

    /** Seconds until a probe is allowed, for Retry-After. */
    public synchronized long retryAfterSeconds() {
        long left = openForNanos - (System.nanoTime() - openedAt);
        return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    }
}
