package dev.groundwork.sessions;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fleet's one rule for ended sessions (docs/auth-service.md, "Ended sessions"). An access token stays valid by
 * its signature until it expires, but when auth-service ends its session (sign-out, refresh-token reuse, a new
 * password, a ban, a deletion, an admin or an OAuth revocation) it marks the session here, in Redis, for as long as
 * such a token can live; every service that takes user tokens asks here before it accepts one, and refuses it from
 * at most {@code groundwork.sessions.check-interval} after the session ended. The answer is remembered per service
 * for that interval, so a busy token costs one Redis call per interval, not per request.
 * <p>
 * Redis unreachable: a session counts as not ended (the check fails open, as the gateway's rate limits do), and
 * this is logged; tokens still expire by themselves.
 */
@ApplicationScoped
public class RevokedSessions {

    /** auth-service writes these keys (its Redis prefix is {@code auth:}). */
    static final String KEY_PREFIX = "auth:ended-session:";
    private static final long WARN_EVERY_MILLIS = 60_000;

    @Inject
    Redis redis;
    @Inject
    SessionsConfig config;

    private Cache<String, Boolean> known;
    private final AtomicLong lastWarning = new AtomicLong();

    @PostConstruct
    void init() {
        known = Caffeine.newBuilder().maximumSize(config.cacheSize()).expireAfterWrite(config.checkInterval()).build();
    }

    /** auth-service, once the session's end is committed: marks it for {@code tokenLifetime} (then its tokens are expired anyway). */
    public Uni<Void> markEnded(String sessionId, Duration tokenLifetime) {
        return redis.send(Request.cmd(Command.SET).arg(KEY_PREFIX + sessionId).arg("1").arg("PX").arg(tokenLifetime.toMillis()))
                .replaceWithVoid();
    }

    /** Whether auth-service has ended this session; false when it cannot be told (Redis down), which is logged. */
    public Uni<Boolean> hasEnded(String sessionId) {
        Boolean cached = known.getIfPresent(sessionId);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return redis.send(Request.cmd(Command.EXISTS).arg(KEY_PREFIX + sessionId))
                .map(reply -> reply != null && reply.toInteger() > 0)
                .invoke(ended -> known.put(sessionId, ended))
                .onFailure().recoverWithItem(failure -> {
                    long now = System.currentTimeMillis();
                    long last = lastWarning.get();
                    if (now - last > WARN_EVERY_MILLIS && lastWarning.compareAndSet(last, now)) {
                        Log.warnf("Ended sessions cannot be checked, Redis unavailable (tokens are accepted until they expire): %s",
                                failure.getMessage());
                    }
                    return false;
                });
    }
}
