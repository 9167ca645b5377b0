package dev.groundwork.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real upstream for the proxy tests: a small Vert.x server that answers with what it received (method, URI,
 * headers, body length and SHA-256, counted as the body streams in), or waits ({@code /slow}).
 */
public class EchoUpstream implements QuarkusTestResourceLifecycleManager {

    /** A port nothing listens on until a test starts a server there (the retry test). */
    static final int LATE_PORT = freePort();
    /** Requests that reached {@code /slow}: a timeout must not be retried. */
    static final java.util.concurrent.atomic.AtomicInteger SLOW_REQUESTS = new java.util.concurrent.atomic.AtomicInteger();
    /** Attempts per {@code /unsteady/<key>}: the first two are answered 503. */
    /** Requests on the webhook and {@code /narrow} routes the service has open now, and the most it had at once. */
    static final java.util.concurrent.atomic.AtomicInteger OPEN_LIMITED = new java.util.concurrent.atomic.AtomicInteger();
    static final java.util.concurrent.atomic.AtomicInteger MOST_OPEN_LIMITED = new java.util.concurrent.atomic.AtomicInteger();
    private static final Map<String, Integer> UNSTEADY_ATTEMPTS = new java.util.concurrent.ConcurrentHashMap<>();
    /** Requests that reached {@code /origin/…} (the cacheable route's service), by path: what a cache hit must not add to. */
    static final Map<String, java.util.concurrent.atomic.AtomicInteger> ORIGIN_CALLS = new java.util.concurrent.ConcurrentHashMap<>();
    private Vertx vertx;

    private static int freePort() {
        try {
            return dev.groundwork.testsupport.RedisServerProcess.freePort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            if (request.path().endsWith("/boom")) {
                request.response().setStatusCode(500).end("boom");
                return;
            }
            if (request.path().endsWith("/slow")) {
                SLOW_REQUESTS.incrementAndGet();
                vertx.setTimer(3_000, t -> request.response().end("late"));
                return;
            }
            if (request.path().startsWith("/origin/")) {
                origin(request);
                return;
            }
            if (request.path().contains("/unsteady/")) {
                int attempt = UNSTEADY_ATTEMPTS.merge(request.method() + " " + request.path(), 1, Integer::sum);
                request.response().setStatusCode(attempt <= 2 ? 503 : 200).end("attempt " + attempt);
                return;
            }
            Runnable closed = request.path().startsWith("/narrow") || request.path().startsWith("/payments/v1/webhooks/stripe")
                    ? open() : () -> { };
            request.response().closeHandler(v -> closed.run());
            MessageDigest sha256 = sha256();
            long[] length = {0};
            request.handler(chunk -> {
                length[0] += chunk.length();
                sha256.update(chunk.getBytes());
            });
            request.endHandler(done -> {
                closed.run();
                JsonObject headers = new JsonObject();
                request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
                if (request.path().endsWith("/cors")) {
                    request.response().putHeader("Access-Control-Allow-Origin", "*");
                }
                request.response().putHeader("Content-Type", "application/json")
                        .putHeader("Connection", "X-Upstream-Secret")
                        .putHeader("X-Upstream-Secret", "must not reach the client")
                        .end(new JsonObject().put("method", request.method().name()).put("uri", request.uri())
                                .put("headers", headers).put("length", length[0])
                                .put("sha256", HexFormat.of().formatHex(sha256.digest())).encode());
            });
        });
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        String url = "http://127.0.0.1:" + server.actualPort();
        return Map.ofEntries(Map.entry("gateway.upstreams.payment", url),
                Map.entry("gateway.upstreams.cache", url),
                Map.entry("gateway.upstreams.monitoring", url),
                Map.entry("gateway.routes.echo.prefix", "/echo"),
                Map.entry("gateway.routes.echo.upstream", url + "/inner"),
                Map.entry("gateway.routes.echo.strip-prefix", "true"),
                Map.entry("gateway.routes.echo.timeout", "1S"),
                // A custom route to a service's root: what it strips must not open the service's /q.
                Map.entry("gateway.routes.svc.prefix", "/svc"),
                Map.entry("gateway.routes.svc.upstream", url),
                Map.entry("gateway.routes.svc.strip-prefix", "true"),
                // Slow clients (SlowClientsTest): a body that stalls, one that must keep a pace, a route with 2 places.
                Map.entry("gateway.routes.stalled.prefix", "/stalled"), Map.entry("gateway.routes.stalled.upstream", url),
                Map.entry("gateway.routes.stalled.body-idle-timeout", "1S"), Map.entry("gateway.routes.stalled.min-body-rate", "0"),
                Map.entry("gateway.routes.paced.prefix", "/paced"), Map.entry("gateway.routes.paced.upstream", url),
                Map.entry("gateway.routes.paced.body-idle-timeout", "1S"), Map.entry("gateway.routes.paced.min-body-rate", "1K"),
                Map.entry("gateway.routes.narrow.prefix", "/narrow"), Map.entry("gateway.routes.narrow.upstream", url),
                Map.entry("gateway.routes.narrow.max-in-flight", "2"),
                Map.entry("gateway.routes.upload.prefix", "/upload"),
                Map.entry("gateway.routes.upload.upstream", url),
                Map.entry("gateway.routes.upload.max-body-size", "64M"),
                // A cacheable route (ResponseCacheTest): its service answers as each request's query says.
                Map.entry("gateway.routes.cached.prefix", "/cached"), Map.entry("gateway.routes.cached.upstream", url + "/origin"),
                Map.entry("gateway.routes.cached.strip-prefix", "true"), Map.entry("gateway.routes.cached.cache.enabled", "true"),
                Map.entry("gateway.routes.down.prefix", "/down"),
                Map.entry("gateway.routes.down.upstream", "http://127.0.0.1:9"),
                // 127.0.0.2 is loopback too: a test connects from there as the load balancer in front.
                Map.entry("gateway.trusted-proxies", "198.51.100.7,127.0.0.2"),
                Map.entry("gateway.routes.flaky.prefix", "/flaky"), Map.entry("gateway.routes.flaky.upstream", url + "/flaky-base"),
                Map.entry("gateway.routes.late.prefix", "/late"),
                Map.entry("gateway.routes.late.upstream", "http://127.0.0.1:" + LATE_PORT),
                Map.entry("gateway.circuit-open-for", "1S"),
                Map.entry("gateway.retry-attempts", "5"),
                Map.entry("gateway.rate-limits.tiny.limit", "3"), Map.entry("gateway.rate-limits.tiny.window", "60S"),
                Map.entry("gateway.rate-limits.roomy.limit", "100"), Map.entry("gateway.rate-limits.roomy.window", "60S"),
                Map.entry("gateway.routes.limited.prefix", "/limited"), Map.entry("gateway.routes.limited.upstream", url),
                Map.entry("gateway.routes.limited.rate-limits", "roomy,tiny"),
                // The Sentry route's own policy, small enough for SentryRouteTest to use it up.
                Map.entry("gateway.rate-limits.ingest.limit", "40"),
                // No auth-service: protected routes cannot check tokens.
                Map.entry("gateway.upstreams.auth", "http://127.0.0.1:9"));
    }

    /**
     * An answer shaped by the query, for the response cache: {@code cc} (Cache-Control), {@code vary}, {@code etag},
     * {@code tag} (Cache-Tag), {@code cookie} (Set-Cookie), {@code status}, {@code delay} (ms before answering). The body
     * says which call to the path it is, and what of the request mattered.
     */
    private void origin(io.vertx.core.http.HttpServerRequest request) {
        int call = ORIGIN_CALLS.computeIfAbsent(request.path(), p -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        io.vertx.core.http.HttpServerResponse response = request.response().putHeader("Content-Type", "application/json");
        Map.of("cc", "Cache-Control", "vary", "Vary", "etag", "ETag", "tag", "Cache-Tag", "cookie", "Set-Cookie")
                .forEach((param, header) -> {
                    if (request.getParam(param) != null) {
                        response.putHeader(header, request.getParam(param));
                    }
                });
        JsonObject body = new JsonObject().put("path", request.path()).put("call", call).put("method", request.method().name())
                .put("language", request.getHeader("Accept-Language")).put("ifNoneMatch", request.getHeader("If-None-Match"));
        int status = request.getParam("status") == null ? 200 : Integer.parseInt(request.getParam("status"));
        long delay = request.getParam("delay") == null ? 0 : Long.parseLong(request.getParam("delay"));
        Runnable answer = () -> response.setStatusCode(status).end(body.encode());
        if (delay > 0) {
            vertx.setTimer(delay, t -> answer.run());
        } else {
            answer.run();
        }
    }

    /** One more request open on a limited route; the action that counts it closed, once. */
    private static Runnable open() {
        MOST_OPEN_LIMITED.accumulateAndGet(OPEN_LIMITED.incrementAndGet(), Math::max);
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (once.compareAndSet(false, true)) {
                OPEN_LIMITED.decrementAndGet();
            }
        };
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }
}
