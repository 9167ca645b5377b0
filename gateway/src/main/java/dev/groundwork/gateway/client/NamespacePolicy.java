package dev.groundwork.gateway.client;

import dev.groundwork.entrycache.EntryCache;
import dev.groundwork.entrycache.EntryPolicy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The policy cache-service publishes in Redis for the response cache's namespace (libs/entry-cache): cache-service
 * owns it, the gateway follows it (its TTL cap, stale window and largest value bound what a route asks for). Read
 * again at most every 5 s, in the background; null until cache-service has published one (the routes' own settings
 * then apply alone), and the last one read stays while Redis cannot be asked.
 */
final class NamespacePolicy {

    private static final long REREAD_MILLIS = 5_000;

    private final EntryCache entries;
    private final AtomicLong readAt = new AtomicLong();
    private volatile EntryPolicy current;

    NamespacePolicy(EntryCache entries) {
        this.entries = entries;
    }

    EntryPolicy current() {
        long now = System.currentTimeMillis();
        long last = readAt.get();
        if (now - last >= REREAD_MILLIS && readAt.compareAndSet(last, now)) {
            entries.policy().onSuccess(read -> current = read);
        }
        return current;
    }
}
