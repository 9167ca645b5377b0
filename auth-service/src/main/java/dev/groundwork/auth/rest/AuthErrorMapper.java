package dev.groundwork.auth.rest;

import dev.groundwork.auth.error.AuthError;
import dev.groundwork.auth.error.ErrorCode;
import io.quarkus.logging.Log;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes errors the way GoTrue does. A client that sends {@code X-Supabase-Api-Version: 2024-01-01} (auth-js
 * always does) gets {@code {"code": "<error_code>", "message": …}} and the version echoed; older clients get
 * {@code {"code": <status>, "error_code": …, "msg": …}}. Both get the {@code x-sb-error-code} header.
 */
public class AuthErrorMapper {

    static final String API_VERSION_HEADER = "X-Supabase-Api-Version";
    static final String API_VERSION_2024 = "2024-01-01";

    @ServerExceptionMapper
    public Response map(AuthError error, HttpHeaders headers) {
        return response(error, headers.getHeaderString(API_VERSION_HEADER));
    }

    /** Anything unexpected is a 500 (never a 4xx: auth-js drops the session on a 4xx from refresh). */
    @ServerExceptionMapper(priority = 5000)
    public Response unexpected(RuntimeException error, HttpHeaders headers) {
        if (error instanceof jakarta.ws.rs.WebApplicationException web && web.getResponse().getStatus() < 500) {
            int status = web.getResponse().getStatus();
            String code = status == 404 ? ErrorCode.NOT_FOUND : status == 405 ? ErrorCode.METHOD_NOT_ALLOWED : ErrorCode.VALIDATION_FAILED;
            return response(new AuthError(status, code, web.getMessage()), headers.getHeaderString(API_VERSION_HEADER));
        }
        Log.errorf(error, "Unexpected failure");
        return response(AuthError.unexpected(), headers.getHeaderString(API_VERSION_HEADER));
    }

    static Response response(AuthError error, String apiVersion) {
        boolean current = apiVersion != null && apiVersion.compareTo(API_VERSION_2024) >= 0 && apiVersion.matches("\\d{4}-\\d{2}-\\d{2}");
        Map<String, Object> body = new LinkedHashMap<>();
        if (current) {
            body.put("code", error.code);
            body.put("message", error.getMessage());
        } else {
            body.put("code", error.status);
            body.put("error_code", error.code);
            body.put("msg", error.getMessage());
        }
        if (error.weakPasswordReasons != null) {
            body.put("weak_password", Map.of("reasons", error.weakPasswordReasons));
        }
        Response.ResponseBuilder response = Response.status(error.status).type("application/json")
                .header("x-sb-error-code", error.code).entity(body);
        if (current) {
            response.header(API_VERSION_HEADER, API_VERSION_2024);
        }
        if (error.retryAfterSeconds > 0) {
            response.header("Retry-After", error.retryAfterSeconds);
        }
        return response.build();
    }
}
