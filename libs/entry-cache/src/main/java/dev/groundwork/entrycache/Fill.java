package dev.groundwork.entrycache;

/** What became of a write. */
public enum Fill {
    /** The value is stored. */
    STORED,
    /**
     * Refused: the lease it carried is no longer held (it expired, the key was deleted or invalidated, or another
     * write came first). The value may be older than what the invalidation was for, so it is not stored.
     */
    LEASE_VOIDED
}
