package dev.groundwork.sessions;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.concurrent.TimeUnit;

/**
 * Bearer tokens quarkus-oidc has verified, remembered until they expire (at most
 * {@code groundwork.sessions.verified-token-max-age}): an ES256 signature check costs about 1 ms of CPU on JDK 17,
 * and a client sends the same token for its whole life, so without this every request of a service that takes
 * tokens pays it (cache-service's entries API served 900 requests a second on two cores, bench/cache.md). Keyed by
 * the exact token; failures are never remembered. The other augmentors still run on a remembered token, so an ended
 * session is refused as before ({@link EndedSessionAugmentor}). A token of a signing key removed from auth-service's
 * JWKS stays accepted for at most the max age, as at the gateway's edge.
 */
@ApplicationScoped
public class VerifiedTokens implements IdentityProvider<TokenAuthenticationRequest> {

    @Inject
    SessionsConfig config;

    private Cache<String, SecurityIdentity> verified;

    @PostConstruct
    void init() {
        long maxAgeNanos = config.verifiedTokenMaxAge().toNanos();
        verified = Caffeine.newBuilder().maximumSize(config.verifiedTokenCacheSize()).expireAfter(new Expiry<String, SecurityIdentity>() {
            @Override
            public long expireAfterCreate(String token, SecurityIdentity identity, long now) {
                long untilExpiry = identity.getPrincipal() instanceof JsonWebToken jwt
                        ? TimeUnit.SECONDS.toNanos(jwt.getExpirationTime()) - TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) : 0;
                return Math.max(0, Math.min(maxAgeNanos, untilExpiry));
            }

            @Override
            public long expireAfterUpdate(String token, SecurityIdentity identity, long now, long current) {
                return current;
            }

            @Override
            public long expireAfterRead(String token, SecurityIdentity identity, long now, long current) {
                return current;
            }
        }).build();
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Before quarkus-oidc's provider: a remembered token's identity, else nothing (and quarkus-oidc verifies it). */
    @Override
    public int priority() {
        return SYSTEM_FIRST + 100;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        return Uni.createFrom().item(config.verifiedTokenMaxAge().isZero() ? null : verified.getIfPresent(request.getToken().getToken()));
    }

    void remember(SecurityIdentity identity) {
        TokenCredential token = identity.getCredential(TokenCredential.class);
        if (token == null || !(identity.getPrincipal() instanceof JsonWebToken) || config.verifiedTokenMaxAge().isZero()
                || verified.getIfPresent(token.getToken()) != null) {
            return;
        }
        // Principal, roles and credentials only: an attribute may hold the request it was verified in.
        verified.put(token.getToken(), QuarkusSecurityIdentity.builder().setPrincipal(identity.getPrincipal())
                .addRoles(identity.getRoles()).addCredentials(identity.getCredentials()).build());
    }

    /** Remembers a verified token once every other augmentor (the ended-session check) has accepted it. */
    @ApplicationScoped
    public static class Remember implements SecurityIdentityAugmentor {

        @Inject
        VerifiedTokens tokens;

        @Override
        public int priority() {
            return Integer.MIN_VALUE;
        }

        @Override
        public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
            if (!identity.isAnonymous()) {
                tokens.remember(identity);
            }
            return Uni.createFrom().item(identity);
        }
    }
}
