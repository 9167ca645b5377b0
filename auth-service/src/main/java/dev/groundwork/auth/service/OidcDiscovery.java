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
     * The discovery document. The issuer is pinned to the public URL; the endpoints follow {@code requestedBase},
     * the URL this document was fetched at, so a resource server inside the cluster fetches keys from auth-service
     * directly, not through the ingress.
     */
    public Map<String, Object> document(String requestedBase) {
        String base = requestedBase.endsWith("/") ? requestedBase.substring(0, requestedBase.length() - 1) : requestedBase;
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", tokens.issuer());
        document.put("jwks_uri", base + "/auth/v1/.well-known/jwks.json");
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

    /** The JWKS document: every published key's public half. */
    public String jwks() {
        return keys.publicJwks();
    }
}
