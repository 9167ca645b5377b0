package dev.groundwork.gateway.service;

import dev.groundwork.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * GCRA rate limits in Redis, one round trip per request: every policy of the request is checked and, only if all
 * allow it, taken, in one Lua script run with EVALSHA on Redis's own clock (so gateway replicas agree and their
 * clocks do not matter). The answer carries what the IETF draft's {@code RateLimit} header needs.
 */
@ApplicationScoped
public class RateLimiter {

    // KEYS: one per policy. ARGV: per policy, emission interval (µs) and window (µs).
    // Returns per policy {allowed (1/0), remaining, seconds to full, seconds to retry}.
    static final String GCRA = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local results, tats, ok = {}, {}, true
            for i, key in ipairs(KEYS) do
              local interval = tonumber(ARGV[2 * i - 1])
              local window = tonumber(ARGV[2 * i])
              local tat = tonumber(redis.call('GET', key) or now)
              if tat < now then tat = now end
              local new_tat = tat + interval
              local allow_at = new_tat - window
              if now < allow_at then
                ok = false
                results[i] = {0, 0, math.ceil((tat - now) / 1000000), math.ceil((allow_at - now) / 1000000)}
              else
                tats[i] = new_tat
                results[i] = {1, math.floor((window - (new_tat - now)) / interval), math.ceil((new_tat - now) / 1000000), 0}
              end
            end
            if ok then
              for i, key in ipairs(KEYS) do
                redis.call('SET', key, tats[i], 'PX', math.ceil((tats[i] - now) / 1000) + 1)
              end
            else
              for i = 1, #KEYS do
                if results[i][1] == 1 then results[i] = {1, results[i][2] + 1, results[i][3], 0} end
              end
            end
            return results
            """;

    /** One policy's state after the request: what the RateLimit header says. */
    public record Quota(String policy, int limit, long windowSeconds, boolean allowed, long remaining, long resetSeconds,
                        long retryAfterSeconds) {
    }

    /** The outcome for a request: allowed, and each policy's quota (empty when Redis could not be asked). */
    public record Decision(boolean allowed, List<Quota> quotas) {
    }

    @Inject
    GatewayConfig config;
    @Inject
    Redis redis;
    @Inject
    MeterRegistry meters;

    private volatile String sha;
    private final AtomicLong lastWarning = new AtomicLong();

    public Future<Decision> check(List<String> policies, String subject) {
        List<String> args = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (String name : policies) {
            GatewayConfig.RateLimit policy = config.rateLimits().get(name);
            long windowMicros = policy.window().toNanos() / 1000;
            keys.add("gw:rl:" + name + ":" + subject);
            args.add(String.valueOf(Math.max(1, windowMicros / policy.limit())));
            args.add(String.valueOf(windowMicros));
        }
        return run(keys, args).map(reply -> {
            List<Quota> quotas = new ArrayList<>();
            boolean allowed = true;
            for (int i = 0; i < policies.size(); i++) {
                Response r = reply.get(i);
                GatewayConfig.RateLimit policy = config.rateLimits().get(policies.get(i));
                boolean ok = r.get(0).toInteger() == 1;
                allowed &= ok;
                quotas.add(new Quota(policies.get(i), policy.limit(), policy.window().toSeconds(), ok, r.get(1).toLong(),
                        r.get(2).toLong(), r.get(3).toLong()));
            }
            return new Decision(allowed, quotas);
        }).recover(failure -> {
            Counter.builder("gateway.rate.limit.unavailable").description("Requests whose rate limit could not be checked")
                    .register(meters).increment();
            long now = System.currentTimeMillis();
            if (now - lastWarning.get() > 10_000) {
                lastWarning.set(now);
                Log.warnf("Rate limits cannot be checked, Redis unavailable; requests %s: %s",
                        config.rateLimitFailOpen() ? "pass (fail open)" : "are refused", failure.getMessage());
            }
            return config.rateLimitFailOpen() ? Future.succeededFuture(new Decision(true, List.of())) : Future.failedFuture(failure);
        });
    }

    private Future<Response> run(List<String> keys, List<String> args) {
        if (sha == null) {
            return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(GCRA)).compose(loaded -> {
                sha = loaded.toString();
                return run(keys, args);
            });
        }
        Request evalsha = Request.cmd(Command.EVALSHA).arg(sha).arg(keys.size());
        keys.forEach(evalsha::arg);
        args.forEach(evalsha::arg);
        return redis.send(evalsha).recover(failure -> {
            if (String.valueOf(failure.getMessage()).startsWith("NOSCRIPT")) {
                sha = null;
                return run(keys, args);
            }
            return Future.failedFuture(failure);
        });
    }

    /** The draft's headers: {@code RateLimit-Policy: "burst";q=100;w=60} and {@code RateLimit: "burst";r=42;t=18}. */
    public static String policyHeader(List<Quota> quotas) {
        return String.join(", ", quotas.stream().map(q -> "\"" + q.policy() + "\";q=" + q.limit() + ";w=" + q.windowSeconds()).toList());
    }

    public static String limitHeader(List<Quota> quotas) {
        return String.join(", ", quotas.stream().map(q -> "\"" + q.policy() + "\";r=" + q.remaining() + ";t=" + q.resetSeconds()).toList());
    }
}
