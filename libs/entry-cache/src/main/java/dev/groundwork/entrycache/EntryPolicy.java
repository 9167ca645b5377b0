package dev.groundwork.entrycache;

import java.time.Duration;

/**
 * A namespace's policy as cache-service publishes it in Redis ({@code cache:<ns>.p}), so that services that cache
 * straight on Redis (the gateway) follow the policy cache-service owns without asking it over HTTP.
 *
 * @param maxTtl        the longest TTL; longer ones are clamped
 * @param stale         the stale-while-revalidate window; an entry's own is at most this
 * @param leaseTtl      how long a lease lives
 * @param leaseWait     how long a miss waits for another caller's fill
 * @param maxValueBytes the largest value
 */
public record EntryPolicy(Duration maxTtl, Duration stale, Duration leaseTtl, Duration leaseWait, long maxValueBytes) {

    /** The TTL asked for, clamped to the policy. */
    public Duration ttl(Duration asked) {
        return asked.compareTo(maxTtl) > 0 ? maxTtl : asked;
    }

    /** The stale window asked for, clamped to the policy. */
    public Duration stale(Duration asked) {
        return asked.compareTo(stale) > 0 ? stale : asked;
    }
}
