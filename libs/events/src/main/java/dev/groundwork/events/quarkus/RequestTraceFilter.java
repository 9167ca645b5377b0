package dev.groundwork.events.quarkus;

import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Puts the request id and W3C traceparent the gateway sent into the MDC, so log lines carry them and events
 * published while handling the request take them along (extensions {@code requestid}, {@code traceparent}).
 */
public class RequestTraceFilter {

    /** Before matching and before the security check, so that a 401 or 404 problem carries the request id too. */
    @ServerRequestFilter(preMatching = true)
    public void trace(ContainerRequestContext request) {
        put("requestId", request.getHeaderString("X-Request-Id"));
        put("traceparent", request.getHeaderString("traceparent"));
    }

    private static void put(String key, String value) {
        // Bounded: a header is client input and ends up in every log line and event of the request.
        if (value != null && !value.isBlank() && value.length() <= 128) {
            MDC.put(key, value);
        } else {
            MDC.remove(key);
        }
    }
}
