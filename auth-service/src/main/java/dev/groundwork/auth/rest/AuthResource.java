package dev.groundwork.auth.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.groundwork.auth.error.AuthError;
import dev.groundwork.auth.error.ErrorCode;
import dev.groundwork.auth.service.AuthJson;
import dev.groundwork.auth.service.AuthService;
import dev.groundwork.auth.service.OidcDiscovery;
import dev.groundwork.auth.service.SiteRedirects;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.Cache;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The Supabase Auth (GoTrue) user API at {@code /auth/v1}, as {@code @supabase/auth-js} calls it: JSON bodies,
 * GoTrue's JSON shapes and error codes.
 */
@BodyReadFirst
@Path("/auth/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class AuthResource {

    @Inject
    AuthService auth;
    @Inject
    OidcDiscovery discovery;
    @Inject
    SiteRedirects redirects;
    @Inject
    ObjectMapper json;
    @Inject
    ClientAddress clientAddress;
    @Context
    UriInfo uriInfo;

    @POST
    @Path("signup")
    public Response signUp(byte[] body, @QueryParam("redirect_to") String redirectTo, @Context HttpServerRequest request) {
        Map<String, Object> params = JsonBody.parse(json, body);
        return ok(auth.signUp(JsonBody.string(params, "email"), JsonBody.string(params, "password"),
                JsonBody.object(params, "data"), redirectTo, caller(request)));
    }

    @POST
    @Path("token")
    public Response token(@QueryParam("grant_type") String grantType, byte[] body, @Context HttpServerRequest request) {
        Map<String, Object> params = JsonBody.parse(json, body);
        AuthService.IssuedSession session = switch (grantType == null ? "" : grantType) {
            case "password" -> auth.passwordGrant(JsonBody.string(params, "email"), JsonBody.string(params, "password"), caller(request));
            case "refresh_token" -> auth.refreshGrant(JsonBody.string(params, "refresh_token"), caller(request));
            default -> throw AuthError.badRequest(ErrorCode.VALIDATION_FAILED, "unsupported_grant_type");
        };
        return ok(session.json());
    }

    @GET
    @Path("user")
    public Response user(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return ok(AuthJson.user(auth.bearer(authorization).user()));
    }

    @PUT
    @Path("user")
    public Response updateUser(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body,
                               @QueryParam("redirect_to") String redirectTo, @Context HttpServerRequest request) {
        AuthService.Bearer bearer = auth.bearer(authorization);
        Map<String, Object> params = JsonBody.parse(json, body);
        return ok(AuthJson.user(auth.updateUser(bearer, JsonBody.string(params, "email"), JsonBody.string(params, "password"),
                JsonBody.object(params, "data"), redirectTo, caller(request))));
    }

    @POST
    @Path("logout")
    public Response logout(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @QueryParam("scope") String scope,
                           @Context HttpServerRequest request) {
        auth.logout(auth.bearer(authorization), scope, caller(request));
        return Response.noContent().build();
    }

    @POST
    @Path("recover")
    public Response recover(byte[] body, @QueryParam("redirect_to") String redirectTo, @Context HttpServerRequest request) {
        Map<String, Object> params = JsonBody.parse(json, body);
        auth.recover(JsonBody.string(params, "email"), redirectTo, caller(request));
        return ok(Map.of());
    }

    /** auth-js {@code verifyOtp({token_hash, type})}: answers a session. */
    @POST
    @Path("verify")
    public Response verify(byte[] body, @Context HttpServerRequest request) {
        Map<String, Object> params = JsonBody.parse(json, body);
        String token = JsonBody.string(params, "token_hash") != null ? JsonBody.string(params, "token_hash") : JsonBody.string(params, "token");
        return ok(auth.verify(JsonBody.string(params, "type"), token, caller(request)).json());
    }

    /** The link in the e-mail: verifies, then redirects to the app with the session in the fragment. */
    @GET
    @Path("verify")
    public Response verifyLink(@QueryParam("token") String token, @QueryParam("type") String type,
                               @QueryParam("redirect_to") String redirectTo, @Context HttpServerRequest request) {
        String target = redirects.target(redirectTo);
        try {
            AuthService.IssuedSession session = auth.verify(type, token, caller(request));
            return Response.seeOther(URI.create(target + "#access_token=" + session.accessToken() + "&expires_at=" + session.expiresAt()
                    + "&expires_in=" + session.expiresIn() + "&refresh_token=" + session.refreshToken() + "&token_type=bearer&type="
                    + type)).build();
        } catch (AuthError error) {
            return Response.seeOther(URI.create(target + "#error=access_denied&error_code=" + error.code
                    + "&error_description=" + URLEncoder.encode(error.getMessage(), StandardCharsets.UTF_8))).build();
        }
    }

    /** Discovery and keys under the issuer ({@code <public>/auth/v1}), where OIDC clients look for them. */
    @GET
    @Path(".well-known/openid-configuration")
    public Map<String, Object> discovery() {
        return discovery.document(uriInfo.getBaseUri().toString());
    }

    @GET
    @Path(".well-known/jwks.json")
    @Cache(maxAge = OidcDiscovery.JWKS_MAX_AGE_SECONDS, noTransform = true)
    public String jwks() {
        return discovery.jwks();
    }

    @GET
    @Path("settings")
    public Map<String, Object> settings() {
        return auth.settings();
    }

    @GET
    @Path("health")
    public Map<String, Object> health() {
        return Map.of("version", "groundwork", "name", "GoTrue",
                "description", "GoTrue is a user registration and authentication API");
    }

    private AuthService.Caller caller(HttpServerRequest request) {
        return new AuthService.Caller(clientAddress.of(request), request.getHeader("User-Agent"));
    }

    private static Response ok(Object entity) {
        return Response.ok(entity, MediaType.APPLICATION_JSON).build();
    }
}
