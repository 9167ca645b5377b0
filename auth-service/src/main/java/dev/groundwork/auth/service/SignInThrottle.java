package dev.groundwork.auth.service;

import dev.groundwork.auth.config.AuthConfig;
import dev.groundwork.auth.repository.User;
import dev.groundwork.auth.error.AuthError;
import io.quarkus.logging.Log;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * Slows down password guessing. Per account: after {@code account-free-failures} consecutive failures each
 * further attempt must wait {@code base-delay × 2^n} (capped), counted in the users table. Per client IP: a token
 * bucket in Redis, one token per failed sign-in, checked before each attempt; Redis's own clock decides, so
 * replicas agree. Both answer {@code 429 over_request_rate_limit} with {@code Retry-After}. If Redis is down the
 * IP check lets the attempt through (sign-in must not fail with Redis) and says so in the log.
 */
@ApplicationScoped
public class SignInThrottle {

    // KEYS[1] bucket; ARGV: burst, tokens per millisecond, cost (0 = only check). Returns {allowed, wait ms}.
    private static final String BUCKET = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local burst = tonumber(ARGV[1])
            local rate = tonumber(ARGV[2])
            local cost = tonumber(ARGV[3])
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(state[1]) or burst
            local at = tonumber(state[2]) or now
            tokens = math.min(burst, tokens + (now - at) * rate)
            if tokens < 1 then
              return {0, math.ceil((1 - tokens) / rate)}
            end
            if cost > 0 then
              tokens = tokens - cost
              redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
              redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
            end
            return {1, 0}
            """;

    @Inject
    AuthConfig config;
    /**
     * The plain client, not {@code RedisDataSource}: Quarkus 3.33.2 builds the default client a second time when a
     * data source is injected, and that copy's pool metrics clash with the first's (a WARN at every start).
     */
    @Inject
    Redis redis;

    /** Throws 429 when this IP has used up its failed attempts. */
    public void checkIp(String ip) {
        bucket(ip, 0);
    }

    /** Counts one failed attempt against the IP. */
    public void failedFromIp(String ip) {
        try {
            bucket(ip, 1);
        } catch (AuthError limited) {
            // The failure is counted; the caller answers it as what it was.
        }
    }

    /** Throws 429 while the account must wait after repeated failures. */
    public void checkAccount(User user, OffsetDateTime now) {
        Duration wait = accountDelay(user.failedSignIns);
        if (wait.isZero() || user.lastFailedSignIn == null) {
            return;
        }
        OffsetDateTime allowedAt = user.lastFailedSignIn.plus(wait);
        if (allowedAt.isAfter(now)) {
            throw AuthError.rateLimited(Duration.between(now, allowedAt).toSeconds() + 1);
        }
    }

    Duration accountDelay(int failures) {
        AuthConfig.Throttle t = config.throttle();
        int over = failures - t.accountFreeFailures();
        if (over < 0) {
            return Duration.ZERO;
        }
        Duration delay = t.accountBaseDelay().multipliedBy(1L << Math.min(over, 20));
        return delay.compareTo(t.accountMaxDelay()) > 0 ? t.accountMaxDelay() : delay;
    }

    private void bucket(String ip, int cost) {
        AuthConfig.Throttle t = config.throttle();
        double perMillisecond = t.ipPerMinute() / 60_000.0;
        Response reply;
        try {
            reply = redis.sendAndAwait(Request.cmd(Command.EVAL).arg(BUCKET).arg(1).arg("auth:signin:ip:" + ip)
                    .arg(t.ipBurst()).arg(String.valueOf(perMillisecond)).arg(cost));
        } catch (RuntimeException e) {
            Log.warnf("Sign-in throttle per IP skipped, Redis unavailable: %s", e.getMessage());
            return;
        }
        if (reply.get(0).toInteger() == 0) {
            throw AuthError.rateLimited((reply.get(1).toLong() + 999) / 1000);
        }
    }
}
