package dev.groundwork.auth.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What OIDC resource servers fetch: the discovery document and the JWKS, served at the root (as the gateway routes
 * them) and under the issuer {@code /auth/v1} (where quarkus-oidc looks).
 */
@ApplicationScoped
public class OidcDiscovery {

    /** Seconds the JWKS may be cached: the interval at which quarkus-oidc refreshes keys for an unknown kid. */
    public static final int JWKS_MAX_AGE_SECONDS = 600;

    @Inject
    TokenService tokens;
    @Inject
    SigningKeys keys;

    /**
     * The discovery document, every URL in it public: from the configured public base URL ({@code
     * auth.public-base-url}), never from the request's {@code Host} or forwarded headers, which any client chooses.
     * Resource servers inside the cluster read it from auth-service directly but fetch keys there too: their
     * quarkus-oidc sets {@code jwks-path}, which wins over this document's {@code jwks_uri}.
     */
    public Map<String, Object> document() {
        String issuer = tokens.issuer();
        String base = issuer.substring(0, issuer.length() - "/auth/v1".length());
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", issuer);
        document.put("jwks_uri", issuer + "/.well-known/jwks.json");
        document.put("token_endpoint", base + "/oauth/token");
        document.put("revocation_endpoint", base + "/oauth/revoke");
        document.put("grant_types_supported", List.of("client_credentials", "password", "refresh_token"));
        document.put("response_types_supported", List.of("token"));
        document.put("subject_types_supported", List.of("public"));
        document.put("id_token_signing_alg_values_supported", List.of("ES256"));
        document.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        document.put("revocation_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        document.put("claims_supported", List.of("iss", "sub", "aud", "exp", "iat", "email", "phone", "role", "aal", "amr",
                "session_id", "app_metadata", "user_metadata", "is_anonymous"));
        return document;
    }

    /**
     * The same document: the URL a request came in at is not used. Kept for {@code AuthResource}, which calls it
     * this way until its next change moves it to {@link #document()}.
     */
    @Deprecated(forRemoval = true)
    public Map<String, Object> document(String requestedBase) {
        return document();
    }

    /** The JWKS document: every published key's public half. */
    public String jwks() {
        return keys.publicJwks();
    }
}
