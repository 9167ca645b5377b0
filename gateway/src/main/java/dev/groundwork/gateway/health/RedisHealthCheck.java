package dev.groundwork.gateway.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/**
 * Whether the gateway reaches Redis, in the readiness details and always UP (Quarkus's own Redis check, which would
 * take the gateway out of the load balancer, is off): with Redis down the rate limits fail open and public routes keep
 * working, while a Redis restart taking every gateway replica out of rotation would be a full outage.
 */
@Readiness
@ApplicationScoped
public class RedisHealthCheck implements AsyncHealthCheck {

    private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

    @Inject
    Redis redis;

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().completionStage(() -> redis.send(Request.cmd(Command.PING)).toCompletionStage())
                .ifNoItem().after(PING_TIMEOUT).fail()
                .map(pong -> status(true))
                .onFailure().recoverWithItem(failure -> status(false));
    }

    private static HealthCheckResponse status(boolean reachable) {
        return HealthCheckResponse.named("Redis connection (rate limits)").up()
                .withData("redis", reachable ? "reachable" : "unreachable")
                .withData("rateLimits", reachable ? "enforced" : "failing open")
                .build();
    }
}
