package dev.groundwork.sessions;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * In every service that verifies user tokens with quarkus-oidc: a token whose {@code session_id} auth-service has
 * ended fails authentication (401), as an expired one does. Service-account tokens have no session and pass.
 */
@ApplicationScoped
public class EndedSessionAugmentor implements SecurityIdentityAugmentor {

    /** The claim auth-service puts the session in (Supabase's claim set). */
    public static final String SESSION_CLAIM = "session_id";

    @Inject
    RevokedSessions sessions;

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        Object claim = identity.getPrincipal() instanceof JsonWebToken token ? token.getClaim(SESSION_CLAIM) : null;
        if (identity.isAnonymous() || claim == null) {
            return Uni.createFrom().item(identity);
        }
        // quarkus-oidc hands string claims over as JSON values: "…" with the quotes.
        return sessions.hasEnded(claim.toString().replace("\"", "")).map(ended -> {
            if (ended) {
                throw new AuthenticationFailedException("the session of this token has ended");
            }
            return identity;
        });
    }
}
