package dev.groundwork.gateway.service;

import dev.groundwork.sessions.RevokedSessions;
import io.quarkus.logging.Log;
import io.quarkus.oidc.OIDCException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.ConnectException;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The edge check of a route's {@link RouteAccess}: the bearer token verified by quarkus-oidc against auth-service's
 * keys (or found among the tokens verified before), then the route's role. Only sheds bad traffic early: the
 * {@code Authorization} header goes on unchanged and the service checks the token again.
 */
@ApplicationScoped
public class EdgeAuth {

    /** The verified caller (null on a public route), or why the request may not pass. */
    public record Decision(VerifiedTokens.Caller caller, Refusal refusal) {
    }

    private static final Decision ANONYMOUS = new Decision(null, null);
    private static final String REALM = "Bearer realm=\"groundwork\"";

    @Inject
    IdentityProviderManager identities;
    @Inject
    VerifiedTokens tokens;
    @Inject
    RevokedSessions endedSessions;

    /** Completes on the request's event loop; the caller has paused the request body meanwhile. */
    public Future<Decision> check(RoutingContext context, RouteAccess access) {
        if (access.isPublic()) {
            return Future.succeededFuture(ANONYMOUS);
        }
        String token = bearerToken(context.request().getHeader("Authorization"));
        // A token verified before skips the signature check (VerifiedTokens says why that is safe).
        VerifiedTokens.Caller known = token == null ? null : tokens.get(token);
        Context eventLoop = Vertx.currentContext();
        if (known != null) {
            return unlessEnded(authorize(known, access), eventLoop);
        }
        Promise<Decision> decided = Promise.promise();
        // Quarkus would answer a failed authentication itself (401 without a body, 500 when the keys are out of
        // reach); the gateway answers problem+json, and 503 when auth-service cannot be reached.
        context.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER,
                (BiConsumer<RoutingContext, Throwable>) (ignored, failure) ->
                        eventLoop.runOnContext(v -> decided.tryComplete(failed(failure))));
        QuarkusHttpUser.getSecurityIdentity(context, identities).subscribe().with(
                identity -> eventLoop.runOnContext(v -> decided.tryComplete(identity == null || identity.isAnonymous() || token == null
                        ? authorize(null, access) : authorize(tokens.remember(token, identity), access))),
                failure -> eventLoop.runOnContext(v -> decided.tryComplete(failed(failure))));
        return decided.future().compose(decision -> unlessEnded(decision, eventLoop));
    }

    /** A caller whose session auth-service has ended is refused as an invalid token (libs/sessions says within what bound). */
    private Future<Decision> unlessEnded(Decision decision, Context eventLoop) {
        if (decision.caller() == null || decision.caller().sessionId() == null) {
            return Future.succeededFuture(decision);
        }
        Promise<Decision> checked = Promise.promise();
        endedSessions.hasEnded(decision.caller().sessionId()).subscribe().with(ended -> eventLoop.runOnContext(v ->
                checked.complete(ended ? refused(401, "Unauthorized", "the session of this token has ended", REALM
                        + ", error=\"invalid_token\"") : decision)));
        return checked.future();
    }

    private static Decision authorize(VerifiedTokens.Caller caller, RouteAccess access) {
        if (caller == null) {
            return refused(401, "Unauthorized", "this route needs a bearer token", REALM);
        }
        if (!access.admits(caller.roles())) {
            return refused(403, "Forbidden", "this route needs the role " + access.role(), REALM + ", error=\"insufficient_scope\"");
        }
        return new Decision(caller, null);
    }

    /** A bad token is the client's problem (401); keys that cannot be fetched are ours (503, not 401). */
    private static Decision failed(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof OIDCException
                    || String.valueOf(t.getMessage()).contains("OIDC server is not available")) {
                Log.warnf("Token check impossible, auth-service unreachable: %s", t.getMessage());
                return new Decision(null, Refusal.retryLater("Service unavailable", "tokens cannot be checked right now", 5));
            }
        }
        return refused(401, "Unauthorized", "the bearer token is not valid", REALM + ", error=\"invalid_token\"");
    }

    private static Decision refused(int status, String title, String detail, String wwwAuthenticate) {
        return new Decision(null, new Refusal(status, title, detail, Map.of("WWW-Authenticate", wwwAuthenticate)));
    }

    /** The token of an {@code Authorization: Bearer} header, as quarkus-oidc reads it; null when there is none. */
    private static String bearerToken(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
    }
}
