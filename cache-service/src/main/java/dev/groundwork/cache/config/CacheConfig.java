package dev.groundwork.cache.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** cache-service settings ({@code cache.*}, env {@code CACHE_*}); docs/cache-service.md lists them. */
@ConfigMapping(prefix = "cache")
public interface CacheConfig {

    /** TTL of an entry written without one, for namespaces that name none: Redis is shared, so no cache key lives forever. */
    @WithDefault("PT1H")
    Duration defaultTtl();

    /** The longest TTL a client may ask for (longer ones are clamped to it), for namespaces that name none. */
    @WithDefault("P1D")
    Duration maxTtl();

    /** The largest argument (value) a command may carry, in bytes, for namespaces that name none (1 MiB). */
    @WithDefault("1048576")
    long maxValueBytes();

    /** How many keys a namespace may hold (counted approximately, see docs), for namespaces that name none. */
    @WithDefault("100000")
    long maxKeys();

    /** The command groups (Redis ACL categories) a namespace may use, for namespaces that name none. */
    @WithDefault("string,hash,list,set,sortedset,bitmap,hyperloglog,geo,stream,keyspace,connection")
    Set<String> commands();

    /** Requests per second a namespace may make on one replica, for namespaces that name none. */
    @WithDefault("1000")
    int requestsPerSecond();

    /**
     * The entries API's stale-while-revalidate window, for namespaces that name none: how long past its TTL an entry
     * is still served (marked stale) while one caller refreshes it. 0: an entry is gone at its TTL.
     */
    @WithDefault("0S")
    Duration staleWhileRevalidate();

    /** How long the caller that missed may take to fill the key before another caller gets the lease (at most 60 s). */
    @WithDefault("5S")
    Duration leaseTtl();

    /** How long a miss waits for another caller's fill before it is answered as a miss (at most 10 s). */
    @WithDefault("500MS")
    Duration leaseWait();

    /** What user tokens may do with entries, for namespaces that name none: {@code none}, {@code read}, {@code read-write}. */
    @WithDefault("none")
    String userAccess();

    /**
     * Event-driven invalidation: by mapping name, an event type and the tags its events invalidate (in every
     * namespace, or those listed). The fleet's defaults are in application.properties.
     */
    Map<String, Invalidation> invalidations();

    /** The largest REST request body, in bytes; larger ones are refused with a 400 in Upstash's format. */
    @WithDefault("2097152")
    int maxRequestBytes();

    /** The most commands one pipeline or transaction may carry. */
    @WithDefault("1000")
    int maxPipelineLength();

    /** How often each replica reloads namespaces and tokens from Postgres (what another replica changed). */
    @WithDefault("5S")
    Duration refreshEvery();

    /** How often the keys and approximate bytes of every namespace are counted (one SCAN of the cache: keys). */
    @WithDefault("1M")
    Duration countEvery();

    /** Namespaces declared by the operator (the chart's values, ./groundwork up's {@code dev}): created or updated at start. */
    Map<String, DeclaredNamespace> namespaces();

    /** The shared Redis itself. */
    RedisSettings redis();

    /** A namespace declared in configuration; policy keys left out take the fleet-wide defaults above. */
    interface DeclaredNamespace {

        /** Plaintext read-write tokens (from a Secret); stored hashed, added if missing. */
        Optional<List<String>> readWriteTokens();

        /** Plaintext read-only tokens (from a Secret); stored hashed, added if missing. */
        Optional<List<String>> readOnlyTokens();

        /** TTL of an entry written without one. */
        Optional<Duration> defaultTtl();

        /** The longest TTL (longer ones are clamped). */
        Optional<Duration> maxTtl();

        /** The largest argument, in bytes. */
        Optional<Long> maxValueBytes();

        /** How many keys the namespace may hold (approximately). */
        Optional<Long> maxKeys();

        /** Allowed command groups (Redis ACL categories). */
        Optional<Set<String>> commands();

        /** Requests per second on one replica. */
        Optional<Integer> requestsPerSecond();

        /** The entries API's stale-while-revalidate window. */
        Optional<Duration> staleWhileRevalidate();

        /** How long a lease on a missing key lives. */
        Optional<Duration> leaseTtl();

        /** How long a miss waits for another caller's fill. */
        Optional<Duration> leaseWait();

        /** What user tokens may do with entries: {@code none}, {@code read}, {@code read-write}. */
        Optional<String> userAccess();
    }

    /** Events of one type invalidate tags. */
    interface Invalidation {

        /** The CloudEvents type, e.g. {@code dev.groundwork.billing.subscription.changed.v1} (identity and billing events). */
        String eventType();

        /**
         * Tags to invalidate, with placeholders filled from the event: {@code {subject}} (the user id for the fleet's
         * events) and {@code {data.<field>}} (a top-level field of its data), e.g. {@code user:{data.userId}}.
         */
        List<String> tags();

        /** Only these namespaces; all when left out. */
        Optional<Set<String>> namespaces();
    }

    interface RedisSettings {

        /** How often maxmemory and maxmemory-policy are read. */
        @WithDefault("1M")
        Duration evictionCheckEvery();

        /** Whether the admin API may run CONFIG SET maxmemory-policy (volatile-* or noeviction only). */
        @WithDefault("false")
        boolean allowSetEvictionPolicy();
    }
}
