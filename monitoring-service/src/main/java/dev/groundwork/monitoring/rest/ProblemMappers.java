package dev.groundwork.monitoring.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.groundwork.http.Problem;
import dev.groundwork.monitoring.service.ApiErrors;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The read API's errors as problem+json (a thrown {@link Problem} is libs/http's {@code ProblemMapper}'s). Ingest
 * answers in Sentry's format ({@link IngestResource}).
 */
public class ProblemMappers {

    @ServerExceptionMapper({io.quarkus.security.UnauthorizedException.class, io.quarkus.security.AuthenticationFailedException.class})
    public Response unauthorized() {
        return Response.fromResponse(Problem.response(401, ApiErrors.UNAUTHORIZED, "a valid bearer token of auth-service is needed"))
                .header("WWW-Authenticate", "Bearer realm=\"groundwork\"").build();
    }

    @ServerExceptionMapper
    public Response forbidden(io.quarkus.security.ForbiddenException e) {
        return Problem.response(403, ApiErrors.FORBIDDEN, "this token may not do this");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status == 400) {
            return malformedBody(e.getCause() == null ? e : e.getCause());
        }
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        return Problem.response(status, title, title);
    }

    @ServerExceptionMapper({MismatchedInputException.class, StreamReadException.class})
    public Response malformedBody(Throwable e) {
        Log.infof("Request body refused: %s", e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.toString());
        return Problem.response(400, ApiErrors.BAD_REQUEST, "the request body is not valid JSON of the expected shape");
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        String id = java.util.UUID.randomUUID().toString();
        Log.errorf(e, "Unexpected error %s", id);
        return Problem.response(500, ApiErrors.INTERNAL_ERROR, "an unexpected error happened; its id in the service log is " + id);
    }
}
