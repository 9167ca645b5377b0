package dev.groundwork.gateway.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.groundwork.gateway.config.GatewayConfig;
import dev.groundwork.sessions.EndedSessionAugmentor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Bearer tokens quarkus-oidc has verified, remembered until they expire (at most {@code gateway.token-cache.max-age}):
 * an ES256 verification costs about 1 ms of CPU, and a client sends the same token for its whole lifetime. Keyed
 * by the exact token, so a token that differs in one bit is verified afresh; failures are never remembered.
 * Whether the token's session has ended is asked afresh (libs/sessions, at most every check interval) on every
 * request, cached or not: remembering changes nothing but the cost of the signature.
 */
@ApplicationScoped
public class VerifiedTokens {

    /** What a route rule needs of a verified token; {@code sessionId} is null for service accounts. */
    public record Caller(String subject, Set<String> roles, String sessionId) {
    }

    private record Entry(Caller caller, long lifetimeNanos) {
    }

    private static final String CACHE_NAME = "gateway.verified.tokens";
    private final Cache<String, Entry> cache;
    private final long maxAgeNanos;
    private final MeterRegistry meters;

    @Inject
    public VerifiedTokens(GatewayConfig config, MeterRegistry meters) {
        this.meters = meters;
        maxAgeNanos = config.tokenCache().maxAge().toNanos();
        cache = Caffeine.newBuilder().maximumSize(config.tokenCache().maxSize()).recordStats()
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String token, Entry entry, long now) {
                        return entry.lifetimeNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String token, Entry entry, long now, long current) {
                        return entry.lifetimeNanos();
                    }

                    @Override
                    public long expireAfterRead(String token, Entry entry, long now, long current) {
                        return current;
                    }
                }).build();
        CaffeineCacheMetrics.monitor(meters, cache, CACHE_NAME);
    }

    /** Its meters read this cache: they go with it (an app restarted in the same JVM, as in tests, binds anew). */
    @PreDestroy
    void unbindMeters() {
        meters.getMeters().stream().filter(meter -> CACHE_NAME.equals(meter.getId().getTag("cache"))).toList().forEach(meters::remove);
    }

    /** The caller of a token verified before and not yet expired, or null. */
    public Caller get(String token) {
        Entry entry = cache.getIfPresent(token);
        return entry == null ? null : entry.caller();
    }

    /** The caller of a token quarkus-oidc has just verified, remembered until the token's {@code exp}. */
    public Caller remember(String token, SecurityIdentity identity) {
        Object session = identity.getPrincipal() instanceof JsonWebToken jwt ? jwt.getClaim(EndedSessionAugmentor.SESSION_CLAIM) : null;
        // quarkus-oidc hands string claims over as JSON values: "…" with the quotes.
        Caller caller = new Caller(identity.getPrincipal().getName(), Set.copyOf(identity.getRoles()),
                session == null ? null : session.toString().replace("\"", ""));
        if (identity.getPrincipal() instanceof JsonWebToken jwt && maxAgeNanos > 0) {
            long untilExpiry = TimeUnit.SECONDS.toNanos(jwt.getExpirationTime()) - TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
            long lifetime = Math.min(maxAgeNanos, untilExpiry);
            if (lifetime > 0) {
                cache.put(token, new Entry(caller, lifetime));
            }
        }
        return caller;
    }
}
