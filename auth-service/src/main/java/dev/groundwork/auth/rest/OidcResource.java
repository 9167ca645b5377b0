package dev.groundwork.auth.rest;

import dev.groundwork.auth.service.ClientTokens;
import dev.groundwork.auth.service.OidcDiscovery;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.Cache;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every OIDC resource server needs at the root, as the gateway routes it (DESIGN.md): discovery and JWKS
 * (also under the issuer, in {@link AuthResource}), and a standard form-encoded token endpoint for service accounts
 * ({@code client_credentials}) with revocation (RFC 7009). Errors here are OAuth's ({@code {"error": …}}, written by
 * {@link OAuthErrorMapper}), as OAuth clients expect.
 */
@BodyReadFirst
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class OidcResource {

    @Inject
    OidcDiscovery discovery;
    @Inject
    ClientTokens clientTokens;

    @GET
    @Path(".well-known/openid-configuration")
    public Map<String, Object> discovery() {
        return discovery.document();
    }

    @GET
    @Path(".well-known/jwks.json")
    @Cache(maxAge = OidcDiscovery.JWKS_MAX_AGE_SECONDS, noTransform = true)
    public String jwks() {
        return discovery.jwks();
    }

    @POST
    @Path("oauth/token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response token(@FormParam("grant_type") String grantType, @FormParam("scope") String scope,
                          @FormParam("client_id") String clientId, @FormParam("client_secret") String clientSecret,
                          @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        ClientCredentials client = ClientCredentials.of(authorization, clientId, clientSecret);
        ClientTokens.Issued issued = clientTokens.clientCredentials(client.id(), client.secret(), grantType, scope);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", issued.accessToken());
        body.put("token_type", "Bearer");
        body.put("expires_in", issued.expiresIn());
        body.put("scope", String.join(" ", issued.scopes()));
        return Response.ok(body).header("Cache-Control", "no-store").build();
    }

    @POST
    @Path("oauth/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revoke(@FormParam("token") String token, @FormParam("token_type_hint") String hint,
                           @FormParam("client_id") String clientId, @FormParam("client_secret") String clientSecret,
                           @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        ClientCredentials client = ClientCredentials.of(authorization, clientId, clientSecret);
        clientTokens.revoke(client.id(), client.secret(), token, hint);
        return Response.ok().build();
    }

    /** The client's id and secret: {@code client_secret_basic} when there is a Basic header, else {@code _post}. */
    record ClientCredentials(String id, String secret) {

        static ClientCredentials of(String authorization, String formId, String formSecret) {
            if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                return new ClientCredentials(formId, formSecret);
            }
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon < 0) {
                    return new ClientCredentials(null, null);
                }
                return new ClientCredentials(URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                        URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException malformed) {
                // Authentication fails, as with a wrong secret: the form's credentials do not stand in for a bad header.
                return new ClientCredentials(null, null);
            }
        }
    }
}
