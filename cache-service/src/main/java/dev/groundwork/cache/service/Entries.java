package dev.groundwork.cache.service;

import dev.groundwork.cache.config.CacheConfig;
import dev.groundwork.entrycache.EntryCache;
import dev.groundwork.entrycache.EntryPolicy;
import dev.groundwork.entrycache.Fill;
import dev.groundwork.entrycache.Lookup;
import dev.groundwork.http.Problem;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The entries API (docs/cache-service.md, "Entries"): who may read and write a namespace's entries, and the
 * namespace's policy applied to every read and write of libs/entry-cache.
 */
@ApplicationScoped
public class Entries {

    /** The role (a service account's scope) that gives read and write access to one namespace's entries. */
    public static final String SCOPE_PREFIX = "cache:";
    public static final String ADMIN_ROLE = "admin";
    /** The {@code role} claim of a signed-in user's token (service accounts have {@code service}). */
    static final String USER_ROLE = "authenticated";
    /** How long a published policy outlives its last publication, at least. */
    private static final Duration MIN_POLICY_KEEP = Duration.ofMinutes(1);
    /** Keys one batch read may ask for. */
    public static final int MAX_BATCH = 100;

    @Inject
    Namespaces namespaces;
    @Inject
    CacheConfig config;
    @Inject
    RateLimits rateLimits;
    @Inject
    Vertx vertx;
    @Inject
    Redis redis;

    private final Map<String, EntryCache> caches = new ConcurrentHashMap<>();

    /** A write as the API takes it: TTL and stale window asked for (null: the namespace's), tags, lease. */
    public record Put(byte[] value, String contentType, Duration ttl, Duration stale, List<String> tags, String lease) {
    }

    /** What a caller may do with a namespace's entries, and its policy. */
    public record Grant(String namespace, Policy policy, boolean mayWrite) {

        /** The grant, if it allows writing; 403 otherwise. */
        public Grant writable() {
            if (!mayWrite) {
                throw new Problem(403, ApiErrors.FORBIDDEN, "this token may read namespace " + namespace + " but not write it: "
                        + "writing needs the scope " + SCOPE_PREFIX + namespace + " or the admin role");
            }
            return this;
        }
    }

    /**
     * What the caller may do with the namespace: admins and the scope {@code cache:<ns>} read and write; user tokens
     * what the namespace's user access says. 403 for anyone else, also for a namespace that does not exist.
     */
    public Grant grant(String namespace, SecurityIdentity caller) {
        Policy policy = namespaces.policies().get(namespace);
        boolean scoped = caller.hasRole(ADMIN_ROLE) || caller.hasRole(SCOPE_PREFIX + namespace);
        if (scoped && policy == null) {
            throw new Problem(404, ApiErrors.NOT_FOUND, "no namespace " + namespace);
        }
        UserAccess access = scoped ? UserAccess.READ_WRITE
                : policy != null && isUser(caller) ? UserAccess.of(policy.userAccess()) : UserAccess.NONE;
        if (access == UserAccess.NONE) {
            throw new Problem(403, ApiErrors.FORBIDDEN, "this token needs the scope " + SCOPE_PREFIX + namespace
                    + " or the admin role (or namespace " + namespace + " must let users in)");
        }
        // The namespace's budget is one, whichever API spends it.
        if (!rateLimits.allow(namespace, policy.requestsPerSecond())) {
            throw new Problem(429, ApiErrors.TOO_MANY_REQUESTS, "namespace " + namespace + " may make "
                    + policy.requestsPerSecond() + " requests per second (its policy); try again in a second");
        }
        return new Grant(namespace, policy, access == UserAccess.READ_WRITE);
    }

    /**
     * Reads a key. A caller who may write and has not said {@code only-if-cached} takes part in the lease protocol
     * (a reader that cannot fill would hold everyone else's misses for nothing):
     * on a miss or a stale hit it may get the lease (and is expected to fill), and a miss while someone else fills
     * waits for that fill up to the namespace's lease wait.
     */
    public Uni<Lookup> get(Grant grant, String key, boolean onlyIfCached) {
        Policy policy = grant.policy();
        EntryCache cache = cacheOf(grant.namespace());
        return uni(() -> grant.mayWrite() && !onlyIfCached
                ? cache.getOrWait(key, Duration.ofMillis(policy.leaseTtlMillis()), Duration.ofMillis(policy.leaseWaitMillis()))
                : cache.get(key));
    }

    public Uni<List<Lookup>> getAll(Grant grant, List<String> keys) {
        if (keys == null || keys.isEmpty() || keys.size() > MAX_BATCH) {
            throw new Problem(400, ApiErrors.BAD_REQUEST, "keys: 1 to " + MAX_BATCH + " keys");
        }
        EntryCache cache = cacheOf(grant.namespace());
        return uni(() -> cache.getAll(keys));
    }

    /** Stores a value under the namespace's limits; 409 when its lease was voided (the value may predate an invalidation). */
    public Uni<String> put(Grant grant, String key, Put put) {
        String namespace = grant.writable().namespace();
        Policy policy = grant.policy();
        if (put.value().length > policy.maxValueBytes()) {
            throw new Problem(413, ApiErrors.PAYLOAD_TOO_LARGE, "a value of namespace " + namespace + " is at most " + policy.maxValueBytes() + " bytes");
        }
        long ttl = put.ttl() == null ? policy.defaultTtlSeconds() : Math.min(put.ttl().toSeconds(), policy.maxTtlSeconds());
        if (ttl < 1) {
            throw new Problem(400, ApiErrors.BAD_REQUEST, "max-age must be at least 1 second");
        }
        long stale = put.stale() == null ? policy.staleSeconds() : Math.min(put.stale().toSeconds(), policy.staleSeconds());
        String etag = EntryCache.etagOf(put.value());
        EntryCache.Write write = checked(() -> new EntryCache.Write(put.value(), put.contentType(), put.tags(), Duration.ofSeconds(ttl),
                Duration.ofSeconds(stale), etag));
        EntryCache cache = cacheOf(namespace);
        return uni(() -> cache.fill(key, write, put.lease())).map(fill -> {
            if (fill == Fill.LEASE_VOIDED) {
                throw new Problem(409, ApiErrors.LEASE_VOIDED, "the lease of this fill is no longer held: the key was invalidated,"
                        + " deleted or written since it was taken, or the lease expired; read the key again");
            }
            return etag;
        });
    }

    public Uni<Boolean> delete(Grant grant, String key) {
        EntryCache cache = cacheOf(grant.writable().namespace());
        return uni(() -> cache.delete(key));
    }

    /** Invalidates tags and/or a key prefix; answers how many entries went. */
    public Uni<Long> invalidate(Grant grant, List<String> tags, String prefix) {
        String namespace = grant.writable().namespace();
        if ((tags == null || tags.isEmpty()) && prefix == null) {
            throw new Problem(400, ApiErrors.BAD_REQUEST, "name tags, a prefix, or both (\"prefix\": \"\" invalidates every entry)");
        }
        EntryCache cache = cacheOf(namespace);
        List<String> checked = checked(() -> EntryCache.checkTags(tags));
        return uni(() -> {
            Future<Long> removed = Future.succeededFuture(0L);
            for (String tag : checked) {
                removed = removed.compose(sum -> cache.invalidateTag(tag).map(n -> sum + n));
            }
            return prefix == null ? removed : removed.compose(sum -> cache.invalidatePrefix(prefix).map(n -> sum + n));
        });
    }

    /** The event-driven path (events/TagInvalidations): a tag in every namespace, or in the ones named. */
    public long invalidateTagEverywhere(String tag, java.util.Set<String> only) {
        long removed = 0;
        for (String namespace : namespaces.policies().keySet()) {
            if (only == null || only.contains(namespace)) {
                removed += cacheOf(namespace).invalidateTag(tag).toCompletionStage().toCompletableFuture().join();
            }
        }
        return removed;
    }

    /**
     * Publishes every namespace's policy in Redis for the services that cache straight on it (the gateway), at start
     * and every {@code cache.refresh-every}: a policy changed through the admin API reaches them within that.
     */
    @Scheduled(every = "${cache.refresh-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void publishPolicies() {
        Duration keep = config.refreshEvery().multipliedBy(3).compareTo(MIN_POLICY_KEEP) > 0 ? config.refreshEvery().multipliedBy(3) : MIN_POLICY_KEEP;
        List<Future<Void>> published = new java.util.ArrayList<>();
        namespaces.policies().forEach((namespace, policy) -> published.add(cacheOf(namespace).publishPolicy(new EntryPolicy(
                Duration.ofSeconds(policy.maxTtlSeconds()), Duration.ofSeconds(policy.staleSeconds()), Duration.ofMillis(policy.leaseTtlMillis()),
                Duration.ofMillis(policy.leaseWaitMillis()), policy.maxValueBytes()), keep)));
        Future.all(published).onFailure(failure -> Log.debugf("Namespace policies not published to Redis: %s", failure.toString()));
    }

    private EntryCache cacheOf(String namespace) {
        return caches.computeIfAbsent(namespace, ns -> new EntryCache(vertx, redis.getDelegate(), ns));
    }

    private static boolean isUser(SecurityIdentity caller) {
        if (!(caller.getPrincipal() instanceof JsonWebToken token)) {
            return false;
        }
        // quarkus-oidc hands string claims over as JSON values, with their quotes.
        Object role = token.getClaim("role");
        return role != null && USER_ROLE.equals(role.toString().replace("\"", ""));
    }

    /** The library's call as a Uni: a refused key or tag is a 400, a Redis failure a 503. */
    private static <T> Uni<T> uni(java.util.function.Supplier<Future<T>> call) {
        Future<T> future = checked(call);
        return Uni.createFrom().<T>emitter(emitter -> future.onComplete(result -> {
            if (result.succeeded()) {
                emitter.complete(result.result());
            } else {
                Log.warnf("Entries: Redis failed: %s", result.cause().toString());
                emitter.fail(new Problem(503, ApiErrors.REDIS_UNAVAILABLE, "Redis did not answer; try again"));
            }
        }));
    }

    private static <T> T checked(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            throw new Problem(400, ApiErrors.BAD_REQUEST, e.getMessage());
        }
    }
}
