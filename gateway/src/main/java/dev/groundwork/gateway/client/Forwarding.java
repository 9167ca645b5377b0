package dev.groundwork.gateway.client;

import dev.groundwork.gateway.service.PathNormalizer;
import dev.groundwork.gateway.service.RequestScreening;
import dev.groundwork.gateway.service.RouteTable;
import dev.groundwork.http.Problem;
import dev.groundwork.infra.TrustedProxies;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.channel.ConnectTimeoutException;
import io.quarkus.logging.Log;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the gateway does on the way through one route, beyond vertx-http-proxy's defaults:
 * <ul>
 * <li>the normalised (and maybe stripped) path; hop-by-hop headers including those named in {@code Connection}
 * (the proxy does not remove those); {@code X-Forwarded-For/-Proto/-Host} and {@code Forwarded} (the proxy adds
 * none; a client's own are kept only from a trusted proxy); the request id and the trace context;</li>
 * <li>retries with a doubling backoff for idempotent requests without a body, on a failed connection or a
 * 502/503/504 answer, and never on a timeout;</li>
 * <li>the body counted against the route's limit as it streams, and watched for its pace (a body that stalls or
 * trickles is answered 408 and its request to the service reset, so that slow clients cannot hold the service's
 * requests open); the route's timeout counted from the end of the body;</li>
 * <li>a failed service as problem+json 504 on a timeout and 502 otherwise (the proxy answers 502 for everything),
 * counted against the service's circuit breaker; a client that went away is not the service's failure.</li>
 * </ul>
 */
public final class Forwarding implements ProxyInterceptor {

    public static final String REQUEST_ID = Problem.REQUEST_ID_HEADER;
    private static final List<String> HOP_BY_HOP = List.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");
    private static final Set<Integer> RETRIED_STATUSES = Set.of(502, 503, 504);
    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.DELETE);
    private static final String UPSTREAM_REQUEST = "upstream-request";
    private static final String BODY = "body";
    private static final String CLIENT_GONE = "client-gone";

    /** How often and how patiently a retryable request is tried again. */
    public record Retries(int attempts, long backoffMillis) {
    }

    private final Vertx vertx;
    private final HttpClient http;
    private final RouteTable.Route route;
    private final TrustedProxies trusted;
    private final CircuitBreaker breaker;
    private final Retries retries;
    private final Timer upstreamLatency;
    private final StreamedBody.Pace pace;
    private final StreamedBody.SlowListener slowBodies;
    private final RequestOptions origin;

    public Forwarding(Vertx vertx, HttpClient http, RouteTable.Route route, TrustedProxies trusted, CircuitBreaker breaker,
                      Retries retries, Timer upstreamLatency, Duration bodyRateGrace, Duration bodyRateWindow, MeterRegistry meters) {
        this.vertx = vertx;
        this.http = http;
        this.route = route;
        this.trusted = trusted;
        this.breaker = breaker;
        this.retries = retries;
        this.upstreamLatency = upstreamLatency;
        this.pace = new StreamedBody.Pace(route.bodyIdleTimeout().toMillis(), route.minBodyRate(), bodyRateGrace.toMillis(),
                bodyRateWindow.toMillis());
        this.slowBodies = reason -> Counter.builder("gateway.slow.requests").tag("route", route.id()).tag("reason", reason)
                .description("Requests cut off because the client sent too slowly (headers, body-idle, body-rate)")
                .register(meters).increment();
        int port = route.upstream().getPort();
        boolean tls = "https".equals(route.upstream().getScheme());
        this.origin = new RequestOptions().setHost(route.upstream().getHost()).setPort(port > 0 ? port : tls ? 443 : 80).setSsl(tls);
    }

    /**
     * The proxy's origin: a request to the route's service. Its answer timeout starts now when there is no body
     * to send, else when the body has been read.
     */
    public Future<HttpClientRequest> origin(ProxyContext context) {
        return http.request(origin).onSuccess(upstream -> {
            // The proxy resets this request when the client goes away; that is not worth an ERROR line.
            upstream.exceptionHandler(failure -> Log.debugf("Request to %s ended: %s", route.upstream(), failure.getMessage()));
            context.set(UPSTREAM_REQUEST, upstream);
            if (context.request().getBody() == null) {
                upstream.idleTimeout(route.timeout().toMillis());
            }
        });
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
        if (traceparent == null || !validTraceparent(traceparent)) {
            headers.set("traceparent", newTraceparent());
        }
        boolean retryable = retryable(incoming);
        if (retryable) {
            // Nothing to stream: each attempt sends an empty body, and the client's (empty) one is drained.
            request.setBody(null);
            incoming.resume();
        } else {
            StreamedBody body = new StreamedBody(incoming, route.maxBodyBytes(), vertx, pace, slowBodies, () -> {
                HttpClientRequest upstream = context.get(UPSTREAM_REQUEST, HttpClientRequest.class);
                if (upstream != null) {
                    upstream.idleTimeout(route.timeout().toMillis());
                }
            });
            context.set(BODY, body);
            request.setBody(Body.body(body, RequestScreening.contentLength(incoming)));
        }
        return attempt(context, 1, retryable ? retries.attempts() : 1);
    }

    private Future<ProxyResponse> attempt(ProxyContext context, int attempt, int attempts) {
        long started = System.nanoTime();
        return context.sendRequest().transform(outcome -> {
            if (attempt < attempts && worthRetrying(context, outcome)) {
                if (outcome.succeeded()) {
                    outcome.result().release();
                }
                long backoff = retries.backoffMillis() << (attempt - 1);
                return vertx.timer(backoff).compose(t -> attempt(context, attempt + 1, attempts));
            }
            if (outcome.succeeded()) {
                upstreamLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                return Future.succeededFuture(outcome.result());
            }
            return Future.succeededFuture(failed(context, outcome.cause()));
        });
    }

    /** A failed connection or a 502/503/504 answer, while the client is still there; never a timeout. */
    private static boolean worthRetrying(ProxyContext context, AsyncResult<ProxyResponse> outcome) {
        if (context.request().proxiedRequest().response().closed()) {
            return false;
        }
        if (outcome.succeeded()) {
            return RETRIED_STATUSES.contains(outcome.result().getStatusCode());
        }
        Throwable failure = outcome.cause();
        return failure instanceof ConnectException || failure instanceof HttpClosedException
                || (failure instanceof IOException && !timeout(failure));
    }

    @Override
    public Future<Void> handleProxyResponse(ProxyContext context) {
        ProxyResponse response = context.response();
        StreamedBody body = context.get(BODY, StreamedBody.class);
        boolean clientsFault = body != null && (body.tooLarge() || body.tooSlow() != null);
        if (!clientsFault && !Boolean.TRUE.equals(context.get(CLIENT_GONE, Boolean.class))) {
            if (response.getStatusCode() >= 500) {
                breaker.failed();
            } else {
                breaker.succeeded();
            }
        }
        MultiMap headers = response.headers();
        removeHopByHop(headers, headers);
        // The gateway answers CORS for everything behind it; a second Access-Control-Allow-Origin breaks browsers.
        headers.names().stream().filter(name -> name.regionMatches(true, 0, "access-control-", 0, 15)).toList()
                .forEach(headers::remove);
        HttpServerRequest incoming = context.request().proxiedRequest();
        response.putHeader(REQUEST_ID, requestId(incoming));
        if (clientsFault) {
            // The rest of the body is still on its way: this connection cannot carry another request.
            response.putHeader("Connection", "close");
            return context.sendResponse().onComplete(sent -> incoming.connection().close());
        }
        return context.sendResponse();
    }

    /** The client's request id if it sent a sane one, else a new one; kept on the request for the response. */
    public static String requestId(HttpServerRequest request) {
        String id = request.getHeader(REQUEST_ID);
        if (id == null || !validRequestId(id)) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            // A random (version 4) UUID without SecureRandom's lock: request ids need to be unique, not secret.
            id = new UUID((random.nextLong() & ~0xF000L) | 0x4000L, (random.nextLong() & ~(3L << 62)) | (2L << 62)).toString();
            request.headers().set(REQUEST_ID, id);
        }
        return id;
    }

    /** Whether the request is idempotent and has no body, and so may be sent again. */
    static boolean retryable(HttpServerRequest request) {
        return IDEMPOTENT.contains(request.method()) && RequestScreening.contentLength(request) <= 0 && !request.headers().contains("Transfer-Encoding");
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

    private ProxyResponse failed(ProxyContext context, Throwable failure) {
        ProxyRequest request = context.request();
        HttpServerRequest incoming = request.proxiedRequest();
        StreamedBody body = context.get(BODY, StreamedBody.class);
        int status;
        String title;
        String detail;
        if (body != null && body.tooLarge()) {
            status = 413;
            title = "Payload too large";
            detail = "at most " + route.maxBodyBytes() + " bytes on this route";
        } else if (body != null && body.tooSlow() != null) {
            status = 408;
            title = "Request timeout";
            detail = body.tooSlow();
        } else if (timeout(failure)) {
            status = 504;
            title = "Gateway timeout";
            detail = "the service did not answer within " + route.timeout().toMillis() + " ms";
        } else {
            status = 502;
            title = "Bad gateway";
            detail = "the service is unreachable";
        }
        if (incoming.response().closed()) {
            // Nobody to answer; and the service did nothing wrong.
            context.set(CLIENT_GONE, true);
        }
        String id = requestId(incoming);
        JsonObject problem = new JsonObject(Problem.body(status, title, detail, id));
        ProxyResponse response = request.release().response().setStatusCode(status);
        response.headers().clear();
        return response.putHeader("Content-Type", Problem.MEDIA_TYPE).putHeader(REQUEST_ID, id)
                .setBody(Body.body(Buffer.buffer(problem.encode())));
    }

    /** The route's answer timeout (Vert.x fails the request with a TimeoutException) or the connect timeout. */
    static boolean timeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException || t instanceof ConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static boolean validRequestId(String id) {
        if (id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** W3C trace context, version 00: {@code 00-<32 hex>-<16 hex>-<2 hex>}. */
    private static boolean validTraceparent(String value) {
        if (value.length() != 55 || !value.startsWith("00-") || value.charAt(35) != '-' || value.charAt(52) != '-') {
            return false;
        }
        for (int i = 3; i < 55; i++) {
            char c = value.charAt(i);
            if (i != 35 && i != 52 && !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static String newTraceparent() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder value = new StringBuilder(55).append("00-");
        hex(value, random.nextLong());
        hex(value, random.nextLong());
        value.append('-');
        hex(value, random.nextLong());
        return value.append("-01").toString();
    }

    private static void hex(StringBuilder into, long value) {
        String digits = Long.toHexString(value);
        into.append("0".repeat(16 - digits.length())).append(digits);
    }
}
