package dev.groundwork.entrycache;

/**
 * The answer to a read.
 *
 * @param status what was found
 * @param entry  the entry ({@code null} on a miss)
 * @param lease  a lease this caller now holds for the key, or {@code null}: the caller is expected to fill the key
 *               with it ({@link EntryCache#fill}); nobody else gets one until it is used, voided or expired
 * @param now    Redis's clock at the read, in milliseconds
 */
public record Lookup(Status status, Entry entry, String lease, long now) {

    public enum Status {
        /** Fresh. */
        HIT,
        /** Past its TTL, inside the stale-while-revalidate window. */
        STALE,
        /** Nothing (or only a value past its stale window). */
        MISS
    }

    public boolean leased() {
        return lease != null;
    }
}
