package dev.groundwork.auth.rest;

import dev.groundwork.auth.service.TokenService;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Our own access tokens as Quarkus security identities, with the roles of {@code app_metadata.roles}: what
 * quarkus-oidc does in the other services, so that {@code @RolesAllowed("admin")} means the same everywhere (libs/events'
 * dead-letter endpoint). Only endpoints that ask for a role use it ({@code quarkus.http.auth.proactive=false}): the GoTrue
 * API checks its tokens itself and answers in its own format. A missing, invalid or expired token is no identity,
 * so a protected endpoint answers 401.
 */
@ApplicationScoped
public class BearerAuthentication implements HttpAuthenticationMechanism {

    @Inject
    TokenService tokens;

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String authorization = context.request().getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(tokens.verify(authorization.substring(7).trim()).flatMap(BearerAuthentication::identity).orElse(null));
    }

    private static Optional<SecurityIdentity> identity(JwtClaims claims) {
        try {
            QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(claims.getSubject()));
            if (claims.getClaimValue("app_metadata") instanceof Map<?, ?> appMetadata
                    && appMetadata.get("roles") instanceof Collection<?> roles) {
                roles.stream().filter(String.class::isInstance).map(String.class::cast).forEach(identity::addRole);
            }
            return Optional.of(identity.build());
        } catch (MalformedClaimException e) {
            return Optional.empty();
        }
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        // the identity is built here from our own verification; no IdentityProvider takes part
        return Set.of();
    }
}
