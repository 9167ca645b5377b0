package dev.groundwork.gateway;

import dev.groundwork.testsupport.RedisServerProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** A redis-server of the test's own, so the test can stop it; it replaces the module's Redis (started after it). */
public class PrivateRedis implements QuarkusTestResourceLifecycleManager {

    static RedisServerProcess redis;

    @Override
    public Map<String, String> start() {
        try {
            redis = RedisServerProcess.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        // The route's service is down on purpose (a passed request is a 502); its breaker must not step in here.
        return Map.of("quarkus.redis.hosts", redis.url().url(),
                "gateway.circuit-failure-threshold", "1000", "gateway.retry-attempts", "1",
                "gateway.rate-limits.tiny.limit", "3", "gateway.rate-limits.tiny.window", "60S",
                "gateway.routes.limited.prefix", "/limited", "gateway.routes.limited.upstream", "http://127.0.0.1:9",
                "gateway.routes.limited.rate-limits", "tiny", "gateway.routes.limited.timeout", "1S");
    }

    @Override
    public int order() {
        return 1_000;
    }

    @Override
    public void stop() {
        if (redis != null) {
            try {
                redis.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
