package dev.groundwork.gateway.client;

import dev.groundwork.gateway.service.PathNormalizer;
import dev.groundwork.gateway.service.RouteTable;
import dev.groundwork.infra.TrustedProxies;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * What the gateway changes on the way through, beyond vertx-http-proxy's defaults: the normalised (and maybe
 * stripped) path, hop-by-hop headers including those named in {@code Connection} (the proxy does not remove
 * those), {@code X-Forwarded-For/-Proto/-Host} and {@code Forwarded} (the proxy adds none; a client's own are
 * kept only from a trusted proxy), the request id and the trace context; a failed upstream is a problem+json
 * 504 on a timeout and 502 otherwise (the proxy answers 502 for everything).
 */
public final class Forwarding implements ProxyInterceptor {

    public static final String REQUEST_ID = "X-Request-Id";
    private static final Pattern VALID_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern TRACEPARENT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final List<String> HOP_BY_HOP = List.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

    private final RouteTable.Route route;
    private final TrustedProxies trusted;
    private final CircuitBreaker breaker;

    public Forwarding(RouteTable.Route route, TrustedProxies trusted, CircuitBreaker breaker) {
        this.route = route;
        this.trusted = trusted;
        this.breaker = breaker;
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        ProxyRequest request = context.request();
        HttpServerRequest incoming = request.proxiedRequest();
        String path = PathNormalizer.normalize(incoming.path()).orElseThrow();
        String query = incoming.query();
        request.setURI(route.upstreamPath(path) + (query == null ? "" : "?" + query));

        MultiMap headers = request.headers();
        removeHopByHop(headers, incoming.headers());
        forwarded(incoming, headers);
        headers.set(REQUEST_ID, requestId(incoming));
        String traceparent = headers.get("traceparent");
        if (traceparent == null || !TRACEPARENT.matcher(traceparent).matches()) {
            headers.set("traceparent", newTraceparent());
        }
        // A failure becomes our 502/504 response, which handleProxyResponse counts against the breaker.
        return context.sendRequest().recover(failure -> Future.succeededFuture(failed(request, failure)));
    }

    @Override
    public Future<Void> handleProxyResponse(ProxyContext context) {
        ProxyResponse response = context.response();
        if (response.getStatusCode() >= 500) {
            breaker.failed();
        } else {
            breaker.succeeded();
        }
        MultiMap headers = response.headers();
        removeHopByHop(headers, headers);
        // The gateway answers CORS for everything behind it; a second Access-Control-Allow-Origin breaks browsers.
        headers.names().stream().filter(name -> name.regionMatches(true, 0, "access-control-", 0, 15)).toList()
                .forEach(headers::remove);
        response.putHeader(REQUEST_ID, requestId(context.request().proxiedRequest()));
        return context.sendResponse();
    }

    /** The client's request id if it sent a sane one, else a new one; kept on the request for the response. */
    public static String requestId(HttpServerRequest request) {
        String id = request.getHeader(REQUEST_ID);
        if (id == null || !VALID_REQUEST_ID.matcher(id).matches()) {
            id = UUID.randomUUID().toString();
            request.headers().set(REQUEST_ID, id);
        }
        return id;
    }

    private void forwarded(HttpServerRequest incoming, MultiMap headers) {
        String peer = incoming.remoteAddress() == null ? "unknown" : incoming.remoteAddress().host();
        boolean fromTrustedProxy = trusted.trusts(peer);
        String priorFor = fromTrustedProxy ? headers.get("X-Forwarded-For") : null;
        String proto = fromTrustedProxy && headers.get("X-Forwarded-Proto") != null ? headers.get("X-Forwarded-Proto") : incoming.scheme();
        String host = fromTrustedProxy && headers.get("X-Forwarded-Host") != null ? headers.get("X-Forwarded-Host")
                : incoming.getHeader("Host");
        String priorForwarded = fromTrustedProxy ? headers.get("Forwarded") : null;
        headers.set("X-Forwarded-For", priorFor == null ? peer : priorFor + ", " + peer);
        headers.set("X-Forwarded-Proto", proto);
        if (host != null) {
            headers.set("X-Forwarded-Host", host);
        } else {
            headers.remove("X-Forwarded-Host");
        }
        String node = peer.contains(":") ? "\"[" + peer + "]\"" : peer;
        String element = "for=" + node + ";proto=" + proto + (host == null ? "" : ";host=\"" + host.replace("\"", "") + "\"");
        headers.set("Forwarded", priorForwarded == null ? element : priorForwarded + ", " + element);
    }

    /** Standard hop-by-hop headers and every header the Connection header names (RFC 9110 §7.6.1). */
    private static void removeHopByHop(MultiMap headers, MultiMap connectionSource) {
        for (String connection : connectionSource.getAll("Connection")) {
            for (String named : connection.split(",")) {
                String name = named.trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty()) {
                    headers.remove(name);
                }
            }
        }
        HOP_BY_HOP.forEach(headers::remove);
    }

    private ProxyResponse failed(ProxyRequest request, Throwable failure) {
        boolean timeout = failure.getClass().getSimpleName().contains("Timeout")
                || String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT).contains("timeout");
        int status = timeout ? 504 : 502;
        String id = requestId(request.proxiedRequest());
        JsonObject problem = new JsonObject().put("type", "about:blank")
                .put("title", timeout ? "Gateway timeout" : "Bad gateway").put("status", status)
                .put("detail", timeout ? "the service did not answer within " + route.timeout().toMillis() + " ms"
                        : "the service is unreachable").put("requestId", id);
        ProxyResponse response = request.response().setStatusCode(status);
        response.headers().clear();
        return response.putHeader("Content-Type", "application/problem+json").putHeader(REQUEST_ID, id)
                .setBody(Body.body(Buffer.buffer(problem.encode())));
    }

    private static String newTraceparent() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("00-%016x%016x-%016x-01", random.nextLong(), random.nextLong(), random.nextLong());
    }
}
