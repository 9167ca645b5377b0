package dev.groundwork.gateway;

import dev.groundwork.testsupport.RedisServerProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** A redis-server of the test's own, so the test can stop it; it replaces the module's Redis (started after it). */
public class PrivateRedis implements QuarkusTestResourceLifecycleManager {

    static RedisServerProcess redis;
    private final EchoUpstream service = new EchoUpstream();

    @Override
    public Map<String, String> start() {
        try {
            redis = RedisServerProcess.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        String serviceUrl = service.start().get("gateway.upstreams.payment");
        // The limited route's service is down on purpose (a passed request is a 502); its breaker must not step in here.
        // The cached route's service is up (ResponseCacheOutageTest).
        return Map.ofEntries(Map.entry("quarkus.redis.hosts", redis.url().url()),
                Map.entry("gateway.circuit-failure-threshold", "1000"), Map.entry("gateway.retry-attempts", "1"),
                Map.entry("gateway.rate-limits.tiny.limit", "3"), Map.entry("gateway.rate-limits.tiny.window", "60S"),
                Map.entry("gateway.routes.limited.prefix", "/limited"), Map.entry("gateway.routes.limited.upstream", "http://127.0.0.1:9"),
                Map.entry("gateway.routes.limited.rate-limits", "tiny"), Map.entry("gateway.routes.limited.timeout", "1S"),
                Map.entry("gateway.routes.cached.prefix", "/cached"), Map.entry("gateway.routes.cached.upstream", serviceUrl + "/origin"),
                Map.entry("gateway.routes.cached.strip-prefix", "true"), Map.entry("gateway.routes.cached.cache.enabled", "true"));
    }

    @Override
    public int order() {
        return 1_000;
    }

    @Override
    public void stop() {
        service.stop();
        if (redis != null) {
            try {
                redis.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
