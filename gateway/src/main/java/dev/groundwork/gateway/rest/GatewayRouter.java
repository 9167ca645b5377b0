package dev.groundwork.gateway.rest;

import dev.groundwork.gateway.client.CircuitBreaker;
import dev.groundwork.gateway.client.Forwarding;
import dev.groundwork.gateway.config.GatewayConfig;
import dev.groundwork.gateway.service.PathNormalizer;
import dev.groundwork.gateway.service.RateLimiter;
import dev.groundwork.gateway.service.RouteTable;
import dev.groundwork.gateway.service.VerifiedTokens;
import dev.groundwork.infra.TrustedProxies;
import io.quarkus.logging.Log;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every request that is not the gateway's own ({@code /q/…}) goes through here: refused if it could smuggle or
 * escape a route, matched against the route table on its normalised path, and streamed to the route's service
 * by Vert.x's reverse proxy (one per route, so each has its own origin and timeout). The request body is never
 * read here: the proxy streams it.
 */
@ApplicationScoped
public class GatewayRouter {

    /** After Quarkus's own routes (REST resources, /q endpoints): what nobody else answered. */
    private static final int ORDER = 10_000;

    @Inject
    GatewayConfig config;
    @Inject
    RouteTable routes;
    @Inject
    IdentityProviderManager identities;
    @Inject
    RateLimiter rateLimiter;
    @Inject
    AccessLog accessLog;
    @Inject
    MeterRegistry meters;
    @Inject
    VerifiedTokens tokens;

    private final Map<String, HttpProxy> proxies = new HashMap<>();
    private final Map<String, CircuitBreaker> breakers = new java.util.concurrent.ConcurrentHashMap<>();
    private TrustedProxies trusted;

    void install(@Observes Router router, Vertx vertx) {
        trusted = TrustedProxies.of(config.trustedProxies());
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setKeepAlive(true)
                .setMaxPoolSize(200)
                .setDecompressionSupported(false));
        Forwarding.Retries retries = new Forwarding.Retries(config.retryAttempts(), config.retryBackoff().toMillis());
        for (RouteTable.Route route : routes.all()) {
            CircuitBreaker breaker = breakers.computeIfAbsent(route.upstream().toString(), upstream -> {
                CircuitBreaker created = new CircuitBreaker(config.circuitFailureThreshold(), config.circuitOpenFor());
                Gauge.builder("gateway.circuit.state", created, b -> b.state().ordinal()).tag("upstream", upstream)
                        .description("0 closed, 1 open, 2 half-open").register(meters);
                return created;
            });
            Timer upstreamLatency = Timer.builder("gateway.upstream.duration").tag("route", route.id()).publishPercentileHistogram()
                    .description("From sending the request to the service's response headers").register(meters);
            Forwarding forwarding = new Forwarding(vertx, client, route, trusted, breaker, retries, upstreamLatency);
            // WebSocket upgrades would bypass the interceptor (no path rewrite, no headers): refused in handle().
            HttpProxy proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(false), client);
            proxy.origin(forwarding::origin);
            proxy.addInterceptor(forwarding);
            proxies.put(route.id(), proxy);
        }
        router.route().order(ORDER).handler(this::handle);
        Log.infof("Routes: %s", routes.all().stream().map(r -> r.prefix() + " -> " + r.upstream() + " (" + r.auth() + ")").toList());
    }

    /** Each service's breaker, by base URL. */
    public Map<String, CircuitBreaker> breakers() {
        return breakers;
    }

    private void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (request.path().startsWith("/q/")) {
            context.next();
            return;
        }
        long start = System.nanoTime();
        context.addEndHandler(ended -> accessLog.record(context, start));
        securityHeaders(context);
        // Netty compresses what carries no Content-Encoding; Quarkus marks other routes' answers "identity".
        // For JSON answers the service did not compress itself, drop that mark, so clients that accept gzip get it.
        context.addHeadersEndHandler(v -> {
            String type = String.valueOf(context.response().headers().get("Content-Type"));
            if ("identity".equalsIgnoreCase(context.response().headers().get("Content-Encoding"))
                    && (type.startsWith("application/json") || type.startsWith("application/problem+json"))) {
                context.response().headers().remove("Content-Encoding");
            }
        });
        if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            problem(context, 501, "Not implemented", "the gateway does not forward WebSocket upgrades");
            return;
        }
        String refused = smuggling(request);
        if (refused != null) {
            problem(context, 400, "Bad request", refused);
            return;
        }
        Optional<String> path = PathNormalizer.normalize(request.path());
        if (path.isEmpty()) {
            problem(context, 400, "Bad path", "the path cannot be normalised (an encoded slash, a NUL, or .. above the root)");
            return;
        }
        Optional<RouteTable.Route> route = routes.match(path.get());
        route.ifPresent(matched -> context.put(AccessLog.ROUTE, matched.id()));
        context.put(AccessLog.PATH, path.get());
        if (route.isEmpty()) {
            problem(context, 404, "Not found", "no route for " + path.get());
            return;
        }
        if (Forwarding.contentLength(request) > route.get().maxBodyBytes()) {
            problem(context, 413, "Payload too large", "at most " + route.get().maxBodyBytes() + " bytes on this route");
            return;
        }
        Forwarding.requestId(request);
        if ("public".equals(route.get().auth()) && route.get().rateLimits().isEmpty()) {
            forward(context, route.get());
            return;
        }
        // The body stays unread (paused) while the token and the rate limit are checked; the proxy streams it after.
        request.pause();
        Context eventLoop = Vertx.currentContext();
        if ("public".equals(route.get().auth())) {
            limitThenForward(context, route.get(), null, eventLoop);
            return;
        }
        // A token verified before skips the signature check (VerifiedTokens says why that is safe).
        String token = bearerToken(request);
        VerifiedTokens.Caller known = token == null ? null : tokens.get(token);
        if (known != null) {
            authorized(context, route.get(), known, eventLoop);
            return;
        }
        // Quarkus would answer a failed authentication itself (401 without a body, 500 when the keys are out of
        // reach); this route answers problem+json, and 503 when auth-service cannot be reached.
        context.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER,
                (java.util.function.BiConsumer<RoutingContext, Throwable>) this::authenticationFailed);
        QuarkusHttpUser.getSecurityIdentity(context, identities).subscribe().with(
                identity -> eventLoop.runOnContext(v -> authorized(context, route.get(),
                        identity == null || identity.isAnonymous() || token == null ? null : tokens.remember(token, identity), eventLoop)),
                failure -> eventLoop.runOnContext(v -> authenticationFailed(context, failure)));
    }

    /** {@code user}: any valid token; {@code role:<name>}: a valid token with that role in {@code app_metadata.roles}. */
    private void authorized(RoutingContext context, RouteTable.Route route, VerifiedTokens.Caller caller, Context eventLoop) {
        if (caller == null) {
            challenge(context, 401, "Unauthorized", "this route needs a bearer token", "Bearer realm=\"groundwork\"");
            return;
        }
        if (route.auth().startsWith("role:") && !caller.roles().contains(route.auth().substring("role:".length()))) {
            challenge(context, 403, "Forbidden", "this route needs the role " + route.auth().substring("role:".length()),
                    "Bearer realm=\"groundwork\", error=\"insufficient_scope\"");
            return;
        }
        // The Authorization header goes on unchanged: the service checks the token again.
        limitThenForward(context, route, "user:" + caller.subject(), eventLoop);
    }

    /** Rate limits per user when signed in, else per client IP; 429 with the draft's headers when one is used up. */
    private void limitThenForward(RoutingContext context, RouteTable.Route route, String user, Context eventLoop) {
        if (route.rateLimits().isEmpty()) {
            forward(context, route);
            return;
        }
        String subject = user != null ? user : "ip:" + clientIp(context.request());
        rateLimiter.check(route.rateLimits(), subject).onComplete(result -> eventLoop.runOnContext(v -> {
            if (result.failed()) {
                context.response().putHeader("Retry-After", "5");
                problem(context, 503, "Service unavailable", "rate limits cannot be checked right now");
                return;
            }
            RateLimiter.Decision decision = result.result();
            if (!decision.quotas().isEmpty()) {
                context.response().putHeader("RateLimit-Policy", RateLimiter.policyHeader(decision.quotas()))
                        .putHeader("RateLimit", RateLimiter.limitHeader(decision.quotas()));
            }
            if (!decision.allowed()) {
                accessLog.rateLimited(route.id());
                long retry = decision.quotas().stream().mapToLong(RateLimiter.Quota::retryAfterSeconds).max().orElse(1);
                context.response().putHeader("Retry-After", String.valueOf(Math.max(1, retry)));
                problem(context, 429, "Too many requests", "rate limit reached on this route, retry in " + Math.max(1, retry) + " s");
                return;
            }
            forward(context, route);
        }));
    }

    /** Through the service's circuit breaker: while it is open, 503 with Retry-After and the service is spared. */
    private void forward(RoutingContext context, RouteTable.Route route) {
        CircuitBreaker breaker = breakers.get(route.upstream().toString());
        if (!breaker.allow()) {
            context.response().putHeader("Retry-After", String.valueOf(breaker.retryAfterSeconds()));
            problem(context, 503, "Service unavailable", "the service behind " + route.prefix() + " is failing; the circuit is open");
            return;
        }
        proxies.get(route.id()).handle(context.request());
    }

    /** The peer, or the address a trusted proxy in front of us saw (the last X-Forwarded-For hop). */
    private String clientIp(HttpServerRequest request) {
        String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().host();
        return trusted.clientAddress(peer, request.getHeader("X-Forwarded-For"));
    }

    /** On every answer, the services' and ours; HSTS only when the client came over TLS. */
    private void securityHeaders(RoutingContext context) {
        HttpServerRequest request = context.request();
        String peer = request.remoteAddress() == null ? "" : request.remoteAddress().host();
        boolean tls = request.isSSL() || (trusted.trusts(peer) && "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto")));
        context.response().putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "strict-origin-when-cross-origin");
        if (tls) {
            context.response().putHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        }
    }

    /** A bad token is the client's problem (401); keys that cannot be fetched are ours (503, not 401). */
    private void authenticationFailed(RoutingContext context, Throwable failure) {
        if (context.response().ended()) {
            return;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof io.quarkus.oidc.OIDCException
                    || String.valueOf(t.getMessage()).contains("OIDC server is not available")) {
                Log.warnf("Token check impossible, auth-service unreachable: %s", t.getMessage());
                context.response().putHeader("Retry-After", "5");
                problem(context, 503, "Service unavailable", "tokens cannot be checked right now");
                return;
            }
        }
        challenge(context, 401, "Unauthorized", "the bearer token is not valid",
                "Bearer realm=\"groundwork\", error=\"invalid_token\"");
    }

    private static void challenge(RoutingContext context, int status, String title, String detail, String wwwAuthenticate) {
        context.response().putHeader("WWW-Authenticate", wwwAuthenticate);
        problem(context, status, title, detail);
    }

    /** Both Content-Length and Transfer-Encoding, or two lengths: a request two servers could read differently. */
    private static String smuggling(HttpServerRequest request) {
        List<String> lengths = request.headers().getAll("Content-Length");
        boolean chunked = request.headers().contains("Transfer-Encoding");
        if (!lengths.isEmpty() && chunked) {
            return "Content-Length and Transfer-Encoding together";
        }
        if (lengths.size() > 1 || (lengths.size() == 1 && lengths.get(0).contains(","))) {
            return "more than one Content-Length";
        }
        if (chunked && !"chunked".equalsIgnoreCase(request.getHeader("Transfer-Encoding").trim())) {
            return "a Transfer-Encoding other than chunked";
        }
        return null;
    }

    /** The token of an {@code Authorization: Bearer} header, as quarkus-oidc reads it; null when there is none. */
    private static String bearerToken(HttpServerRequest request) {
        String authorization = request.getHeader("Authorization");
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
    }

    static void problem(RoutingContext context, int status, String title, String detail) {
        String requestId = Forwarding.requestId(context.request());
        context.response().setStatusCode(status)
                .putHeader("Content-Type", "application/problem+json")
                .putHeader(Forwarding.REQUEST_ID, requestId)
                .putHeader("Connection", status == 400 ? "close" : "keep-alive")
                .end(new JsonObject().put("type", "about:blank").put("title", title).put("status", status)
                        .put("detail", detail).put("requestId", requestId).encode());
    }

}
