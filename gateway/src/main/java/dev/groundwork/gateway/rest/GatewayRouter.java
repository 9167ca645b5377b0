package dev.groundwork.gateway.rest;

import dev.groundwork.gateway.client.Forwarding;
import dev.groundwork.gateway.client.ResponseCache;
import dev.groundwork.gateway.client.Upstreams;
import dev.groundwork.gateway.config.GatewayConfig;
import dev.groundwork.gateway.service.ConcurrencyLimits;
import dev.groundwork.gateway.service.EdgeAuth;
import dev.groundwork.gateway.service.RateLimiter;
import dev.groundwork.gateway.service.Refusal;
import dev.groundwork.gateway.service.RequestScreening;
import dev.groundwork.gateway.service.RouteTable;
import dev.groundwork.http.Problem;
import dev.groundwork.infra.TrustedProxies;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.Optional;

/**
 * Every request that is not the gateway's own ({@code /q/…}) goes through here, in this order: screened
 * ({@link RequestScreening}: smuggling, path, route, size), checked at the edge ({@link EdgeAuth}: the route's
 * access), rate-limited ({@link RateLimiter}), given one of the route's places in flight ({@link ConcurrencyLimits}),
 * then streamed to the route's service ({@link Upstreams}). What
 * stops a request on the way is answered here as problem+json. The request body is never read here.
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
    RequestScreening screening;
    @Inject
    EdgeAuth edgeAuth;
    @Inject
    RateLimiter rateLimiter;
    @Inject
    ConcurrencyLimits concurrency;
    @Inject
    Upstreams upstreams;
    @Inject
    AccessLog accessLog;

    private TrustedProxies trusted;

    void install(@Observes Router router) {
        trusted = TrustedProxies.of(config.trustedProxies());
        router.route().order(ORDER).handler(this::handle);
        Log.infof("Routes: %s", routes.all().stream().map(r -> r.prefix() + " -> " + r.upstream() + " (" + r.access() + ")").toList());
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
        compressJson(context);
        RequestScreening.Screened screened = screening.screen(request);
        context.put(AccessLog.PATH, screened.path());
        if (screened.route() != null) {
            context.put(AccessLog.ROUTE, screened.route().id());
        }
        if (screened.refusal() != null) {
            problem(context, screened.refusal());
            return;
        }
        RouteTable.Route route = screened.route();
        Forwarding.requestId(request);
        if (route.access().isPublic() && route.rateLimits().isEmpty()) {
            forward(context, route);
            return;
        }
        // The body stays unread (paused) while the token and the rate limit are checked; the proxy streams it after.
        request.pause();
        edgeAuth.check(context, route.access()).onSuccess(decision -> {
            if (decision.refusal() != null) {
                problem(context, decision.refusal());
            } else {
                if (decision.caller() != null) {
                    // A per-user cacheable route keys its answers by the verified caller (client/ResponseCache).
                    context.put(ResponseCache.CALLER, decision.caller().subject());
                }
                limitThenForward(context, route, decision.caller() == null ? null : "user:" + decision.caller().subject());
            }
        });
    }

    /** Rate limits per user when signed in, else per client IP; 429 with the draft's headers when one is used up. */
    private void limitThenForward(RoutingContext context, RouteTable.Route route, String user) {
        if (route.rateLimits().isEmpty()) {
            forward(context, route);
            return;
        }
        String subject = user != null ? user : "ip:" + clientIp(context.request());
        Context eventLoop = Vertx.currentContext();
        rateLimiter.check(route.rateLimits(), subject).onComplete(result -> eventLoop.runOnContext(v -> {
            if (result.failed()) {
                problem(context, Refusal.retryLater("Service unavailable", "rate limits cannot be checked right now", 5));
                return;
            }
            RateLimiter.Decision decision = result.result();
            if (!decision.quotas().isEmpty()) {
                context.response().putHeader("RateLimit-Policy", RateLimiter.policyHeader(decision.quotas()))
                        .putHeader("RateLimit", RateLimiter.limitHeader(decision.quotas()));
            }
            if (!decision.allowed()) {
                accessLog.rateLimited(route.id());
                long retry = Math.max(1, decision.quotas().stream().mapToLong(RateLimiter.Quota::retryAfterSeconds).max().orElse(1));
                context.response().putHeader("Retry-After", String.valueOf(retry));
                problem(context, new Refusal(429, "Too many requests", "rate limit reached on this route, retry in " + retry + " s"));
                return;
            }
            forward(context, route);
        }));
    }

    private void forward(RoutingContext context, RouteTable.Route route) {
        Optional<Refusal> full = concurrency.enter(route);
        if (full.isPresent()) {
            problem(context, full.get());
            return;
        }
        context.addEndHandler(ended -> concurrency.leave(route));
        Optional<Refusal> circuitOpen = upstreams.forward(context.request(), route);
        circuitOpen.ifPresent(refusal -> problem(context, refusal));
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

    /**
     * Netty compresses what carries no Content-Encoding; Quarkus marks other routes' answers "identity". For JSON
     * answers the service did not compress itself, drop that mark, so clients that accept gzip get it.
     */
    private static void compressJson(RoutingContext context) {
        context.addHeadersEndHandler(v -> {
            String type = String.valueOf(context.response().headers().get("Content-Type"));
            if ("identity".equalsIgnoreCase(context.response().headers().get("Content-Encoding"))
                    && (type.startsWith("application/json") || type.startsWith(Problem.MEDIA_TYPE))) {
                context.response().headers().remove("Content-Encoding");
            }
        });
    }

    /**
     * The refusal as problem+json with the request id. A 400 closes the connection (it may not be framed right), and so
     * does a refusal of a request whose body has not all arrived: its rest would have to be waited for, at the pace of
     * a client that may be stalling on purpose.
     */
    private static void problem(RoutingContext context, Refusal refusal) {
        if (context.response().ended()) {
            return;
        }
        HttpServerRequest request = context.request();
        boolean close = refusal.status() == 400 || !request.isEnded();
        String requestId = Forwarding.requestId(request);
        refusal.headers().forEach(context.response()::putHeader);
        context.response().setStatusCode(refusal.status())
                .putHeader("Content-Type", Problem.MEDIA_TYPE)
                .putHeader(Forwarding.REQUEST_ID, requestId)
                .putHeader("Connection", close ? "close" : "keep-alive")
                .end(new JsonObject(Problem.body(refusal.status(), refusal.title(), refusal.detail(), requestId)).encode())
                .onComplete(sent -> {
                    if (close && request.version() != HttpVersion.HTTP_2) {
                        request.connection().close();
                    }
                });
    }
}
