package dev.groundwork.auth.service;

import dev.groundwork.auth.error.OAuthError;
import dev.groundwork.auth.error.OAuthErrorCode;
import dev.groundwork.auth.repository.RefreshToken;
import dev.groundwork.auth.repository.Session;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The OAuth token endpoint's work for service accounts: the {@code client_credentials} grant and RFC 7009
 * revocation. Refusals are {@link OAuthError}s, checked before anything is written.
 */
@ApplicationScoped
public class ClientTokens {

    /** What {@code client_credentials} grants: a service token, its lifetime in seconds and the granted scopes. */
    public record Issued(String accessToken, long expiresIn, List<String> scopes) {
    }

    @Inject
    ServiceAccounts accounts;
    @Inject
    TokenService tokens;
    @Inject
    Audit audit;
    @Inject
    AuthService auth;

    /** A service token with the scopes asked for (all the client's when none are), audited. */
    @Transactional
    public Issued clientCredentials(String clientId, String clientSecret, String grantType, String scope) {
        ServiceAccounts.Client client = authenticate(clientId, clientSecret);
        if (!"client_credentials".equals(grantType)) {
            throw new OAuthError(OAuthErrorCode.UNSUPPORTED_GRANT_TYPE,
                    "Only client_credentials is supported here; users sign in at /auth/v1/token");
        }
        List<String> granted = client.scopes();
        if (scope != null && !scope.isBlank()) {
            List<String> asked = List.of(scope.trim().split("\\s+"));
            if (!granted.containsAll(asked)) {
                throw new OAuthError(OAuthErrorCode.INVALID_SCOPE, "The client may not ask for " + asked);
            }
            granted = asked;
        }
        audit.record("client_token_issued", client.id(), null, null, Map.of("scope", String.join(" ", granted)));
        return new Issued(tokens.serviceToken(client.id(), granted, Instant.now()), tokens.lifetimeSeconds(), granted);
    }

    /**
     * RFC 7009: a refresh token ends its session; an unknown token is no error (the answer is the same); access
     * tokens are refused, they expire by themselves.
     */
    @Transactional
    public void revoke(String clientId, String clientSecret, String token, String tokenTypeHint) {
        ServiceAccounts.Client client = authenticate(clientId, clientSecret);
        if (token == null || token.isBlank()) {
            throw new OAuthError(OAuthErrorCode.INVALID_REQUEST, "token is required");
        }
        if ("access_token".equals(tokenTypeHint)) {
            throw new OAuthError(OAuthErrorCode.UNSUPPORTED_TOKEN_TYPE, "Access tokens are short-lived JWTs and expire by themselves");
        }
        RefreshToken.<RefreshToken>find("tokenHash", TokenService.sha256(token)).firstResultOptional().ifPresent(refresh -> {
            Session session = Session.findById(refresh.sessionId);
            audit.record("token_revoked", client.id(), session.userId, null, Map.of("session_id", session.id.toString()));
            auth.endSession(session, "revoked_by_client");
        });
    }

    private ServiceAccounts.Client authenticate(String clientId, String clientSecret) {
        return accounts.authenticate(clientId, clientSecret).orElseThrow(OAuthError::invalidClient);
    }
}
