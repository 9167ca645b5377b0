package dev.groundwork.http;

import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Writes a thrown {@link Problem}, in every service that has this library. */
public class ProblemMapper {

    @ServerExceptionMapper
    public Response problem(Problem problem) {
        return problem.toResponse();
    }
}
