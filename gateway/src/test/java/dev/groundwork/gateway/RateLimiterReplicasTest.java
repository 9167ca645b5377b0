package dev.groundwork.gateway;

import dev.groundwork.gateway.config.GatewayConfig;
import dev.groundwork.gateway.service.RateLimiter;
import dev.groundwork.testsupport.RealInfrastructure;
import dev.groundwork.testsupport.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Two gateway replicas (two limiters, two Redis connections) share one count: it lives in Redis only. */
class RateLimiterReplicasTest {

    @Test
    void twoReplicasTogetherAllowTheLimitOnce() throws Exception {
        String url = RealInfrastructure.freshRedis(TestServers.redis().orElseThrow(), "gateway-replicas").url();
        Vertx vertx = Vertx.vertx();
        try {
            RateLimiter a = limiter(Redis.createClient(vertx, url));
            RateLimiter b = limiter(Redis.createClient(vertx, url));
            int allowed = 0;
            for (int i = 0; i < 20; i++) {
                RateLimiter replica = i % 2 == 0 ? a : b;
                RateLimiter.Decision decision = replica.check(List.of("ten"), "ip:203.0.113.9")
                        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
                allowed += decision.allowed() ? 1 : 0;
            }
            assertEquals(10, allowed, "ten per minute in all, whichever replica answers");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    private static RateLimiter limiter(Redis redis) throws Exception {
        RateLimiter limiter = new RateLimiter();
        set(limiter, "redis", redis);
        set(limiter, "meters", new SimpleMeterRegistry());
        set(limiter, "config", Proxy.newProxyInstance(GatewayConfig.class.getClassLoader(), new Class<?>[]{GatewayConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "rateLimits" -> Map.of("ten", policy(10, Duration.ofMinutes(1)));
                    case "rateLimitFailOpen" -> false;
                    default -> throw new UnsupportedOperationException(method.getName());
                }));
        return limiter;
    }

    private static GatewayConfig.RateLimit policy(int limit, Duration window) {
        return new GatewayConfig.RateLimit() {
            @Override
            public int limit() {
                return limit;
            }

            @Override
            public Duration window() {
                return window;
            }
        };
    }

    private static void set(Object target, String field, Object value) throws Exception {
        var f = RateLimiter.class.getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }
}
