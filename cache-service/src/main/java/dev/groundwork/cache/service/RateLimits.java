package dev.groundwork.cache.service;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests per second per namespace, counted in this replica's memory (a fixed one-second window): with N replicas
 * a namespace may make up to N times its limit. No Redis round trip on the hot path.
 */
@ApplicationScoped
public class RateLimits {

    /** The window's second in the high bits, the count in the low 24. */
    private final ConcurrentHashMap<String, AtomicLong> windows = new ConcurrentHashMap<>();

    public boolean allow(String namespace, int perSecond) {
        long second = System.currentTimeMillis() / 1000;
        AtomicLong window = windows.computeIfAbsent(namespace, n -> new AtomicLong());
        long updated = window.updateAndGet(current -> {
            long currentSecond = current >>> 24;
            long count = current & 0xFFFFFF;
            if (currentSecond != second) {
                return (second << 24) | 1;
            }
            return count >= 0xFFFFFF ? current : current + 1;
        });
        return (updated & 0xFFFFFF) <= perSecond;
    }
}
