package dev.groundwork.auth.rest;

import dev.groundwork.auth.repository.RefreshToken;
import dev.groundwork.auth.repository.Session;
import dev.groundwork.auth.service.Audit;
import dev.groundwork.auth.service.ServiceAccounts;
import dev.groundwork.auth.service.SigningKeys;
import dev.groundwork.auth.service.TokenService;
import dev.groundwork.auth.service.AuthService;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every OIDC resource server needs: discovery and JWKS (under the issuer {@code /auth/v1} and at the root),
 * and a standard form-encoded token endpoint for service accounts ({@code client_credentials}) with revocation
 * (RFC 7009). Errors here are OAuth's ({@code {"error": …}}), as OAuth clients expect.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class OidcResource {

    @Inject
    TokenService tokens;
    @Inject
    SigningKeys keys;
    @Inject
    ServiceAccounts accounts;
    @Inject
    Audit audit;
    @Inject
    AuthService auth;
    @jakarta.ws.rs.core.Context
    jakarta.ws.rs.core.UriInfo uriInfo;

    /** At the root, as the gateway routes it (DESIGN.md), and under the issuer (AuthResource) for quarkus-oidc. */
    @GET
    @Path(".well-known/openid-configuration")
    public Map<String, Object> discovery() {
        String issuer = tokens.issuer();
        // The issuer is pinned to the public URL; the endpoints follow the URL this document was fetched at, so
        // a resource server inside the cluster fetches keys from auth-service directly, not through the ingress.
        String requested = uriInfo.getBaseUri().toString();
        String base = requested.endsWith("/") ? requested.substring(0, requested.length() - 1) : requested;
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", issuer);
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

    /** Cached for 10 minutes, the interval at which quarkus-oidc refreshes keys for an unknown kid. */
    @GET
    @Path(".well-known/jwks.json")
    public Response jwks() {
        CacheControl cache = new CacheControl();
        cache.setMaxAge(600);
        return Response.ok(keys.publicJwks(), MediaType.APPLICATION_JSON).cacheControl(cache).build();
    }

    @POST
    @Path("oauth/token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Transactional
    public Response token(@FormParam("grant_type") String grantType, @FormParam("scope") String scope,
                          @FormParam("client_id") String clientId, @FormParam("client_secret") String clientSecret,
                          @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Optional<ServiceAccounts.Client> client = authenticate(authorization, clientId, clientSecret);
        if (client.isEmpty()) {
            return oauthError(401, "invalid_client", "Client authentication failed");
        }
        if (!"client_credentials".equals(grantType)) {
            return oauthError(400, "unsupported_grant_type", "Only client_credentials is supported here; users sign in at /auth/v1/token");
        }
        List<String> granted = new ArrayList<>(client.get().scopes());
        if (scope != null && !scope.isBlank()) {
            List<String> asked = List.of(scope.trim().split("\\s+"));
            if (!granted.containsAll(asked)) {
                return oauthError(400, "invalid_scope", "The client may not ask for " + asked);
            }
            granted = asked;
        }
        audit.record("client_token_issued", client.get().id(), null, null, Map.of("scope", String.join(" ", granted)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", tokens.serviceToken(client.get().id(), granted, Instant.now()));
        body.put("token_type", "Bearer");
        body.put("expires_in", tokens.lifetimeSeconds());
        body.put("scope", String.join(" ", granted));
        return Response.ok(body).header("Cache-Control", "no-store").build();
    }

    /** RFC 7009: a refresh token ends its session; unknown tokens answer 200 too; access tokens expire by themselves. */
    @POST
    @Path("oauth/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Transactional
    public Response revoke(@FormParam("token") String token, @FormParam("token_type_hint") String hint,
                           @FormParam("client_id") String clientId, @FormParam("client_secret") String clientSecret,
                           @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Optional<ServiceAccounts.Client> client = authenticate(authorization, clientId, clientSecret);
        if (client.isEmpty()) {
            return oauthError(401, "invalid_client", "Client authentication failed");
        }
        if (token == null || token.isBlank()) {
            return oauthError(400, "invalid_request", "token is required");
        }
        if ("access_token".equals(hint)) {
            return oauthError(400, "unsupported_token_type", "Access tokens are short-lived JWTs and expire by themselves");
        }
        RefreshToken.<RefreshToken>find("tokenHash", TokenService.sha256(token)).firstResultOptional().ifPresent(refresh -> {
            Session session = Session.findById(refresh.sessionId);
            audit.record("token_revoked", client.get().id(), session.userId, null, Map.of("session_id", session.id.toString()));
            auth.endSession(session, "revoked_by_client");
        });
        return Response.ok().build();
    }

    private Optional<ServiceAccounts.Client> authenticate(String authorization, String clientId, String clientSecret) {
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon < 0) {
                    return Optional.empty();
                }
                return accounts.authenticate(java.net.URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return accounts.authenticate(clientId, clientSecret);
    }

    private static Response oauthError(int status, String error, String description) {
        Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON)
                .header("Cache-Control", "no-store")
                .entity(Map.of("error", error, "error_description", description));
        if (status == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"groundwork\"");
        }
        return response.build();
    }
}
