package dev.groundwork.auth.rest;

import dev.groundwork.auth.error.OAuthError;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;

/** Writes the OAuth endpoints' errors as RFC 6749 has them: never cached, and a Basic challenge with a 401. */
public class OAuthErrorMapper {

    @ServerExceptionMapper
    public Response map(OAuthError error) {
        Response.ResponseBuilder response = Response.status(error.status()).type(MediaType.APPLICATION_JSON)
                .header("Cache-Control", "no-store")
                .entity(Map.of("error", error.error.value(), "error_description", error.getMessage()));
        if (error.status() == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"groundwork\"");
        }
        return response.build();
    }
}
