package dev.groundwork.gateway.client;

import dev.groundwork.gateway.config.GatewayConfig;
import dev.groundwork.gateway.service.Refusal;
import dev.groundwork.gateway.service.RouteTable;
import dev.groundwork.infra.TrustedProxies;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import dev.groundwork.entrycache.EntryCache;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyOptions;
import io.vertx.redis.client.Redis;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The services behind the routes: one HTTP client for all, a reverse proxy per route (each with its origin,
 * timeout and limits, see {@link Forwarding}) and a circuit breaker per service, shared by the routes to it.
 */
@Startup
@ApplicationScoped
public class Upstreams {

    @Inject
    GatewayConfig config;
    @Inject
    RouteTable routes;
    @Inject
    MeterRegistry meters;
    @Inject
    Vertx vertx;
    @Inject
    Redis redis;

    private final Map<String, HttpProxy> proxies = new HashMap<>();
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

    @PostConstruct
    void connect() {
        TrustedProxies trusted = TrustedProxies.of(config.trustedProxies());
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setKeepAlive(true)
                .setMaxPoolSize(200)
                .setDecompressionSupported(false));
        Forwarding.Retries retries = new Forwarding.Retries(config.retryAttempts(), config.retryBackoff().toMillis());
        EntryCache cachedAnswers = responseCache();
        NamespacePolicy cachePolicy = new NamespacePolicy(cachedAnswers);
        AtomicLong lastCacheWarning = new AtomicLong();
        for (RouteTable.Route route : routes.all()) {
            CircuitBreaker breaker = breakers.computeIfAbsent(route.upstream().toString(), this::breaker);
            Timer upstreamLatency = Timer.builder("gateway.upstream.duration").tag("route", route.id()).publishPercentileHistogram()
                    .description("From sending the request to the service's response headers").register(meters);
            Forwarding forwarding = new Forwarding(vertx, client, route, trusted, breaker, retries, upstreamLatency,
                    config.bodyRate().grace(), config.bodyRate().window(), meters);
            // WebSocket upgrades would bypass the interceptor (no path rewrite, no headers): RequestScreening refuses them.
            HttpProxy proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(false), client);
            proxy.origin(forwarding::origin);
            if (route.cache().enabled()) {
                // Before the forwarding: a hit is answered without it (no retries, no breaker, no request to the service).
                proxy.addInterceptor(new ResponseCache(cachedAnswers, cachePolicy, route, config.responseCache(), meters, lastCacheWarning));
            }
            proxy.addInterceptor(forwarding);
            proxies.put(route.id(), proxy);
        }
    }

    /** Streams the request to the route's service, unless its circuit is open: then the refusal (503, Retry-After). */
    public Optional<Refusal> forward(HttpServerRequest request, RouteTable.Route route) {
        CircuitBreaker breaker = breakers.get(route.upstream().toString());
        if (!breaker.allow()) {
            return Optional.of(Refusal.retryLater("Service unavailable",
                    "the service behind " + route.prefix() + " is failing; the circuit is open", breaker.retryAfterSeconds()));
        }
        proxies.get(route.id()).handle(request);
        return Optional.empty();
    }

    /** Each service's breaker, by base URL. */
    public Map<String, CircuitBreaker> breakers() {
        return breakers;
    }

    /** The namespace of the cacheable routes' answers; its settings checked at start, whether a route caches or not. */
    private EntryCache responseCache() {
        GatewayConfig.ResponseCache settings = config.responseCache();
        if (settings.lease().isNegative() || settings.lease().isZero() || settings.lease().compareTo(EntryCache.MAX_LEASE) > 0) {
            throw new IllegalStateException("gateway.response-cache.lease must be more than 0 and at most " + EntryCache.MAX_LEASE.toSeconds() + "S");
        }
        if (settings.fillWait().isNegative()) {
            throw new IllegalStateException("gateway.response-cache.fill-wait cannot be negative");
        }
        try {
            return new EntryCache(vertx, redis, settings.namespace());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gateway.response-cache.namespace: " + e.getMessage());
        }
    }

    private CircuitBreaker breaker(String upstream) {
        CircuitBreaker created = new CircuitBreaker(config.circuitFailureThreshold(), config.circuitOpenFor());
        Gauge.builder("gateway.circuit.state", created, b -> b.state().ordinal()).tag("upstream", upstream)
                .description("0 closed, 1 open, 2 half-open").register(meters);
        return created;
    }
}
