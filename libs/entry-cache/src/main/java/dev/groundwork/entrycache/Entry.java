package dev.groundwork.entrycache;

import java.util.List;

/**
 * A stored value and what was stored with it. Times are Redis's clock, in milliseconds since the epoch.
 *
 * @param value       the bytes, as put
 * @param contentType the content type given with them
 * @param tags        the tags it can be invalidated by
 * @param storedAt    when it was put
 * @param freshUntil  until when it is a hit
 * @param staleUntil  until when it may still be served stale (then Redis removes it)
 * @param etag        a strong entity tag, quoted ({@code "…"})
 */
public record Entry(byte[] value, String contentType, List<String> tags, long storedAt, long freshUntil, long staleUntil,
                    String etag) {

    /** Whole seconds since it was stored (the {@code Age} header). */
    public long ageSeconds(long now) {
        return Math.max(0, (now - storedAt) / 1000);
    }

    /** Seconds of freshness left, negative once stale (RFC 9211's {@code ttl} parameter). */
    public long ttlSeconds(long now) {
        return Math.floorDiv(freshUntil - now, 1000);
    }
}
