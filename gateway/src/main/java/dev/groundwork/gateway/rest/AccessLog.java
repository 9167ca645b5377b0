package dev.groundwork.gateway.rest;

import dev.groundwork.gateway.client.Forwarding;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One access log line per request (logger {@code gateway.access}, its fields in the MDC, so the production JSON
 * log has them as fields) and per-route metrics. Tagged with the route id, never the raw path; no query string,
 * token or cookie is written.
 */
@ApplicationScoped
public class AccessLog {

    static final String ROUTE = "gateway.route";
    static final String PATH = "gateway.path";
    private static final Logger LOG = Logger.getLogger("gateway.access");

    @Inject
    MeterRegistry meters;

    // Looked up once per route and status class, not built anew on every request.
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();

    void record(RoutingContext context, long startNanos) {
        long nanos = System.nanoTime() - startNanos;
        String route = context.get(ROUTE) == null ? "none" : context.get(ROUTE);
        int status = context.response().getStatusCode();
        String statusClass = (status / 100) + "xx";
        requests.computeIfAbsent(route + " " + statusClass, key -> Counter.builder("gateway.requests").tag("route", route)
                .tag("status", statusClass).description("Requests through the gateway, by route and status class").register(meters))
                .increment();
        durations.computeIfAbsent(route, key -> Timer.builder("gateway.request.duration").tag("route", route)
                .publishPercentileHistogram().description("From the request to the end of the response").register(meters))
                .record(nanos, TimeUnit.NANOSECONDS);
        if (LOG.isInfoEnabled()) {
            MDC.put("route", route);
            MDC.put("method", context.request().method().name());
            MDC.put("path", context.get(PATH) == null ? "-" : context.get(PATH));
            MDC.put("status", String.valueOf(status));
            MDC.put("durationMs", String.format("%.2f", nanos / 1e6));
            MDC.put("requestId", Forwarding.requestId(context.request()));
            MDC.put("client", context.request().remoteAddress() == null ? "-" : context.request().remoteAddress().host());
            try {
                LOG.infof("%s %s %d %s", context.request().method().name(), context.get(PATH) == null ? "-" : context.get(PATH),
                        status, route);
            } finally {
                for (String key : new String[]{"route", "method", "path", "status", "durationMs", "requestId", "client"}) {
                    MDC.remove(key);
                }
            }
        }
    }

    void rateLimited(String route) {
        Counter.builder("gateway.rate.limited").tag("route", route).description("Requests refused by a rate limit")
                .register(meters).increment();
    }
}
