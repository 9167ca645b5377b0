package dev.groundwork.monitoring.rest;

import dev.groundwork.monitoring.service.Ingest;
import dev.groundwork.monitoring.service.IngestError;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Sentry's ingest endpoints, for unmodified SDKs: {@code POST /api/{project}/envelope/} and the older
 * {@code /store/}. Answers {@code {"id": …}} once the envelope is committed, errors in Sentry's format. The body is
 * read as a stream on a worker thread; the thread is free again while the commit is awaited.
 */
@Path("/api/{projectId}")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class IngestResource {

    static final String SENTRY_AUTH = "X-Sentry-Auth";
    static final String SENTRY_ERROR = "X-Sentry-Error";
    static final String SENTRY_RATE_LIMITS = "X-Sentry-Rate-Limits";

    @Inject
    Ingest ingest;

    @POST
    @Path("envelope/")
    @Blocking
    public CompletionStage<Response> envelope(@PathParam("projectId") String projectId, @HeaderParam(SENTRY_AUTH) String sentryAuth,
                                              @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                              @QueryParam("sentry_key") String queryKey,
                                              @HeaderParam(HttpHeaders.CONTENT_ENCODING) String contentEncoding, InputStream body) {
        return accept(new Ingest.Request(projectId, sentryAuth, authorization, queryKey, contentEncoding, body, false));
    }

    @POST
    @Path("store/")
    @Blocking
    public CompletionStage<Response> store(@PathParam("projectId") String projectId, @HeaderParam(SENTRY_AUTH) String sentryAuth,
                                           @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                           @QueryParam("sentry_key") String queryKey,
                                           @HeaderParam(HttpHeaders.CONTENT_ENCODING) String contentEncoding, InputStream body) {
        return accept(new Ingest.Request(projectId, sentryAuth, authorization, queryKey, contentEncoding, body, true));
    }

    private CompletionStage<Response> accept(Ingest.Request request) {
        return ingest.accept(request).handle((eventId, failure) -> {
            if (failure == null) {
                // Written as text: the id is 32 hex digits (or none), and Jackson's dynamic writer was a seventh of ingest's CPU.
                return Response.ok(eventId == null ? "{\"id\":null}" : "{\"id\":\"" + eventId + "\"}", MediaType.APPLICATION_JSON_TYPE).build();
            }
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (cause instanceof IngestError refusal) {
                return refused(refusal);
            }
            throw failure instanceof RuntimeException runtime ? runtime : new CompletionException(failure);
        });
    }

    /** Sentry's error answer: the status, {@code {"detail"}} and the same text in {@code X-Sentry-Error}. */
    @ServerExceptionMapper
    public Response refused(IngestError refusal) {
        Response.ResponseBuilder response = Response.status(refusal.status()).type(MediaType.APPLICATION_JSON)
                .header(SENTRY_ERROR, refusal.detail()).entity(Map.of("detail", refusal.detail()));
        if (refusal.retryAfterSeconds() > 0) {
            response.header(HttpHeaders.RETRY_AFTER, refusal.retryAfterSeconds());
        }
        if (refusal.rateLimits() != null) {
            response.header(SENTRY_RATE_LIMITS, refusal.rateLimits());
        }
        return response.build();
    }
}
