package dev.groundwork.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** gateway settings ({@code gateway.*}, env {@code GATEWAY_*}). */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** Base URLs of the services behind the gateway; locally their own ports, in Kubernetes their Services. */
    Upstreams upstreams();

    /** The route table, by route id (see application.properties for the fleet's routes). */
    Map<String, Route> routes();

    /**
     * Peers whose {@code X-Forwarded-For}/{@code -Proto}/{@code -Host} are believed (a load balancer in front):
     * IPs or CIDR ranges. Everyone else's are replaced.
     */
    @WithDefault("127.0.0.1/32")
    List<String> trustedProxies();

    /** Rate-limit policies by name, used by routes ({@code gateway.routes.<id>.rate-limits}). */
    Map<String, RateLimit> rateLimits();

    /** Whether requests pass when Redis cannot be asked (counted in metrics and logged), or are refused with 503. */
    @WithDefault("true")
    boolean rateLimitFailOpen();

    /** Failures in a row after which a service's circuit opens (503 without calling it). */
    @WithDefault("5")
    int circuitFailureThreshold();

    /** How long an open circuit waits before letting one probe through. */
    @WithDefault("10S")
    Duration circuitOpenFor();

    /**
     * Attempts for idempotent requests without a body (GET, HEAD, OPTIONS, DELETE) when the connection fails or the
     * service answers 502, 503 or 504: 1 means no retry. Timeouts are never retried.
     */
    @WithDefault("3")
    int retryAttempts();

    /** The first wait between attempts; it doubles. */
    @WithDefault("100MS")
    Duration retryBackoff();

    /** Verified bearer tokens remembered, so that a client's next request with the same token skips the signature check. */
    TokenCache tokenCache();

    /** How long connecting to a service may take. */
    @WithDefault("2S")
    Duration connectTimeout();

    /**
     * How long a client may take to send a request's headers, counted from its connection or from the first byte of
     * a later request on it; then the connection is closed (with a 408 where one can still be written).
     */
    @WithDefault("10S")
    Duration headerTimeout();

    /** How the slowest request body accepted is measured (each route sets its {@code min-body-rate}). */
    BodyRate bodyRate();

    /** Where and how the routes marked cacheable ({@code gateway.routes.<id>.cache.enabled}) keep their answers. */
    ResponseCache responseCache();

    interface ResponseCache {
        /**
         * The cache-service namespace the entries live in ({@code cache:<namespace>.e:…}): cache-service declares it,
         * so operators purge the gateway's answers through its invalidation API.
         */
        @WithDefault("gateway")
        String namespace();

        /** How long the request that fills a missing answer holds the key's lease (at most 60 s); then another may try. */
        @WithDefault("10S")
        Duration lease();

        /** How long a request waits for another request's fill of the same answer, before it asks the service itself. */
        @WithDefault("3S")
        Duration fillWait();
    }

    interface BodyRate {
        /** How long a body may stream before its rate is checked at all (TCP's slow start, a mobile network waking up). */
        @WithDefault("10S")
        Duration grace();

        /** The span over which a body's rate is averaged. */
        @WithDefault("10S")
        Duration window();
    }

    interface TokenCache {
        /** How many tokens are remembered at most (a few hundred bytes each). */
        @WithDefault("10000")
        long maxSize();

        /**
         * How long a token is remembered at most (never past its {@code exp}); 0 turns the cache off. Bounds how long
         * a token of a signing key removed from auth-service's JWKS is still accepted at the edge.
         */
        @WithDefault("60S")
        Duration maxAge();
    }

    interface Upstreams {
        /** auth-service ({@code GATEWAY_UPSTREAMS_AUTH}). */
        @WithDefault("http://127.0.0.1:8081")
        URI auth();

        /** payment-service ({@code GATEWAY_UPSTREAMS_PAYMENT}). */
        @WithDefault("http://127.0.0.1:8082")
        URI payment();

        /** cache-service ({@code GATEWAY_UPSTREAMS_CACHE}). */
        @WithDefault("http://127.0.0.1:8083")
        URI cache();

        /** monitoring-service ({@code GATEWAY_UPSTREAMS_MONITORING}). */
        @WithDefault("http://127.0.0.1:8084")
        URI monitoring();
    }

    interface Route {
        /** Whether the route is served; {@code false} removes a built-in route. */
        @WithDefault("true")
        boolean enabled();

        /** Path prefix, matched on whole segments after normalisation ({@code /auth/v1} matches {@code /auth/v1/user}). */
        String prefix();

        /**
         * A regular expression the whole normalised path (without the query) must also match for the route to take it;
         * other paths under the prefix fall through to a shorter prefix, or 404. Unset: the prefix alone decides.
         */
        java.util.Optional<String> pathPattern();

        /** {@code auth}, {@code payment}, {@code cache}, {@code monitoring}, or a base URL. */
        String upstream();

        /** Whether the prefix is removed before forwarding. */
        @WithDefault("false")
        boolean stripPrefix();

        /** {@code public}, {@code user} (a valid token) or {@code role:<name>} ({@code app_metadata.roles}). */
        @WithDefault("public")
        String auth();

        /** How long the service may take to start answering, counted once the request body has been sent. */
        @WithDefault("30S")
        Duration timeout();

        /** Largest request body accepted. */
        @WithDefault("10M")
        MemorySize maxBodySize();

        /** Rate-limit policies applied together, per user (token {@code sub}) or else per client IP. */
        java.util.Optional<List<String>> rateLimits();

        /** How long a request body may send nothing before the request is answered 408 and its forwarding reset. */
        @WithDefault("20S")
        Duration bodyIdleTimeout();

        /**
         * The slowest request body accepted, in bytes per second averaged over {@code gateway.body-rate.window} once
         * {@code gateway.body-rate.grace} has passed; slower is answered 408 and its forwarding reset. 0 turns it off.
         */
        @WithDefault("500")
        MemorySize minBodyRate();

        /** Requests in flight on the route at most, per gateway replica; more are answered 503 with Retry-After. Unset: no limit. */
        java.util.OptionalInt maxInFlight();

        /** Whether and how the route's GET and HEAD answers are cached (docs/gateway.md, "Response cache"). */
        RouteCache cache();
    }

    interface RouteCache {
        /** Whether answers of the route are cached at all. */
        @WithDefault("false")
        boolean enabled();

        /** How long an answer stays fresh when it names no freshness itself ({@code s-maxage}, {@code max-age}, {@code Expires}). */
        @WithDefault("60S")
        Duration ttl();

        /** The longest an answer stays fresh, whatever it names. */
        @WithDefault("1H")
        Duration maxTtl();

        /**
         * How long past its freshness an answer may still be served while one request asks the service again, when the
         * answer names no {@code stale-while-revalidate} itself. 0: never served stale.
         */
        @WithDefault("0S")
        Duration stale();

        /**
         * {@code false}: a request with {@code Authorization} is never answered from, nor stored in, the cache, and
         * {@code private} answers are not stored. {@code true} (routes with {@code auth} {@code user} or
         * {@code role:<name>} only): each verified caller has answers of their own, {@code private} ones included.
         */
        @WithDefault("false")
        boolean perUser();

        /** The largest answer body stored; larger ones are passed on, not stored. */
        @WithDefault("1M")
        MemorySize maxBodySize();
    }

    interface RateLimit {
        /** Requests allowed per window (also the largest burst). */
        int limit();

        /** The window. */
        Duration window();
    }
}
