package dev.groundwork.cache.service;

import dev.groundwork.cache.config.CacheConfig;
import dev.groundwork.http.Problem;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.redis.client.Command;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Watches the shared Redis' maxmemory and maxmemory-policy (CONFIG GET, or INFO memory where a managed Redis
 * refuses CONFIG): an {@code allkeys-*} policy would evict the fleet's event streams, and no maxmemory lets Redis
 * grow until the machine runs out. Either is reported loudly (one WARN per change, the gauge
 * {@code cache.redis.eviction.unsafe}, readiness detail) while readiness stays UP.
 */
@ApplicationScoped
public class EvictionPolicy {

    public record State(String policy, long maxmemory, String source, boolean safe, String problem, Instant checkedAt,
                        boolean settable) {
    }

    @Inject
    Redis redis;
    @Inject
    MeterRegistry meters;
    @Inject
    CacheConfig config;

    private volatile State state;
    private volatile String lastWarned;

    @PostConstruct
    void registerGauge() {
        Gauge.builder("cache.redis.eviction.unsafe", this, p -> p.state == null ? 0 : p.state.safe() ? 0 : 1)
                .description("1 when the shared Redis' maxmemory-policy or maxmemory can evict the fleet's keys or exhaust memory")
                .register(meters);
    }

    @Scheduled(every = "${cache.redis.eviction-check-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledCheck() {
        try {
            check();
        } catch (RuntimeException e) {
            Log.warnf("Reading Redis' eviction policy failed: %s", e.toString());
        }
    }

    public State current() {
        return state == null ? check() : state;
    }

    public synchronized State check() {
        State next = read(redis, config.redis().allowSetEvictionPolicy());
        if (next.problem() != null && !Objects.equals(next.problem(), lastWarned)) {
            Log.warnf("Shared Redis eviction settings are unsafe: %s (docs/cache-service.md#eviction)", next.problem());
        }
        lastWarned = next.problem();
        state = next;
        return next;
    }

    /** Reads and judges a Redis' settings: CONFIG GET, or INFO memory where CONFIG is refused (managed Redis). */
    public static State read(Redis redis, boolean settable) {
        String policy;
        long maxmemory;
        String source;
        try {
            policy = configGet(redis, "maxmemory-policy");
            maxmemory = Long.parseLong(configGet(redis, "maxmemory"));
            source = "CONFIG GET";
        } catch (RuntimeException refused) {
            String info = redis.send(Request.cmd(Command.INFO).arg("memory")).await().atMost(Duration.ofSeconds(5)).toString();
            policy = field(info, "maxmemory_policy");
            String max = field(info, "maxmemory");
            maxmemory = max == null ? 0 : Long.parseLong(max);
            source = "INFO memory";
        }
        return new State(policy, maxmemory, source, problem(policy, maxmemory) == null, problem(policy, maxmemory), Instant.now(), settable);
    }

    /** What is wrong with these settings for a Redis the fleet shares, or null. */
    public static String problem(String policy, long maxmemory) {
        if (policy != null && policy.startsWith("allkeys-")) {
            return "maxmemory-policy is " + policy + ": Redis may evict any key, the fleet's event streams included; use volatile-lru, volatile-lfu or noeviction";
        }
        if (maxmemory == 0) {
            return "maxmemory is not set: Redis grows until the machine runs out of memory and evicts nothing; set maxmemory with volatile-lru, volatile-lfu or noeviction";
        }
        return null;
    }

    /** CONFIG SET maxmemory-policy, only when an operator turned it on, and only to a policy that spares keys without TTL. */
    public State set(String policy) {
        if (!config.redis().allowSetEvictionPolicy()) {
            throw new Problem(403, ApiErrors.NOT_ALLOWED, "setting Redis' eviction policy is off; an operator turns it on with cache.redis.allow-set-eviction-policy=true");
        }
        String wanted = apply(redis, policy);
        Log.infof("Redis maxmemory-policy set to %s through the admin API", wanted);
        return check();
    }

    /** Sets the policy if it is noeviction or volatile-*; a Redis that refuses CONFIG SET is a 502. */
    public static String apply(Redis redis, String policy) {
        String wanted = policy == null ? "" : policy.toLowerCase(Locale.ROOT);
        if (!wanted.equals("noeviction") && !wanted.startsWith("volatile-")) {
            throw new Problem(400, ApiErrors.BAD_REQUEST, "only noeviction or a volatile-* policy keeps the fleet's keys without TTL (event streams)");
        }
        try {
            redis.send(Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory-policy").arg(wanted)).await().atMost(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            throw new Problem(502, ApiErrors.REDIS_REFUSED, "Redis refused CONFIG SET maxmemory-policy: " + e.getMessage());
        }
        return wanted;
    }

    private static String configGet(Redis redis, String name) {
        Response reply = redis.send(Request.cmd(Command.CONFIG).arg("GET").arg(name)).await().atMost(Duration.ofSeconds(5));
        if (reply == null || reply.size() < 2) {
            throw new IllegalStateException("CONFIG GET " + name + " answered nothing");
        }
        return reply.get(1).toString();
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }
}
