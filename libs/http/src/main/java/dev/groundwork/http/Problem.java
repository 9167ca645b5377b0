package dev.groundwork.http;

import jakarta.ws.rs.core.Response;
import org.jboss.logging.MDC;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem, the error body of every API of our own (not of the compatible ones: GoTrue's, Upstash's
 * and Sentry's errors keep their protocol's format). Thrown from a service or a resource, {@link ProblemMapper}
 * writes it; the gateway, which answers outside JAX-RS, writes {@link #body} itself.
 */
public class Problem extends RuntimeException {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    /** The MDC key under which the request's {@code X-Request-Id} is kept (libs/events' RequestTraceFilter puts it). */
    public static final String REQUEST_ID_MDC = "requestId";

    private final int status;
    private final String title;

    public Problem(int status, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public Response toResponse() {
        return response(status, title, getMessage());
    }

    /** The answer for the request being handled, carrying its request id when the request had one. */
    public static Response response(int status, String title, String detail) {
        Object requestId = MDC.get(REQUEST_ID_MDC);
        String id = requestId == null ? null : requestId.toString();
        Response.ResponseBuilder response = Response.status(status).type(MEDIA_TYPE).entity(body(status, title, detail, id));
        if (id != null) {
            response.header(REQUEST_ID_HEADER, id);
        }
        return response.build();
    }

    /** The body: {@code type}, {@code title}, {@code status}, {@code detail}, and {@code requestId} when known. */
    public static Map<String, Object> body(int status, String title, String detail, String requestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (requestId != null) {
            body.put("requestId", requestId);
        }
        return body;
    }
}
