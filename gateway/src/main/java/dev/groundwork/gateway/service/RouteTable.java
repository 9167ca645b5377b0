package dev.groundwork.gateway.service;

import dev.groundwork.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The configured routes, longest prefix first; matching happens on normalised paths only. */
@ApplicationScoped
public class RouteTable {

    /**
     * A route with its upstream resolved to a base URL. It takes the paths under its prefix that match its
     * {@code pathPattern} too (null: all of them). Its body must keep coming: a byte at least every
     * {@code bodyIdleTimeout}, and {@code minBodyRate} bytes a second on average (0: no minimum); {@code maxInFlight}
     * requests at once at most (0: no limit).
     */
    public record Route(String id, String prefix, Pattern pathPattern, URI upstream, boolean stripPrefix, RouteAccess access,
                        java.time.Duration timeout, long maxBodyBytes, List<String> rateLimits,
                        java.time.Duration bodyIdleTimeout, long minBodyRate, int maxInFlight, Caching cache) {

        /** Whether this route takes a normalised path: under its prefix on whole segments, and of its pattern. */
        boolean takes(String path) {
            boolean underPrefix = prefix.isEmpty() || path.equals(prefix) || path.startsWith(prefix + "/");
            return underPrefix && (pathPattern == null || pathPattern.matcher(path).matches());
        }

        /** The path to send upstream for a matched (normalised) path; the upstream's path has no trailing slash. */
        public String upstreamPath(String path) {
            String rest = stripPrefix ? path.substring(prefix.length()) : path;
            String base = upstream.getPath() == null ? "" : upstream.getPath();
            String joined = base + (rest.isEmpty() ? "/" : rest);
            return joined.isEmpty() ? "/" : joined;
        }
    }

    /**
     * How a cacheable route keeps its answers ({@code enabled} false: not at all): {@code ttl} when an answer names no
     * freshness, never more than {@code maxTtl}; {@code stale} past it when the answer names no
     * {@code stale-while-revalidate}; per verified caller or shared; bodies up to {@code maxBodyBytes}.
     */
    public record Caching(boolean enabled, Duration ttl, Duration maxTtl, Duration stale, boolean perUser, long maxBodyBytes) {
    }

    private final List<Route> routes = new ArrayList<>();

    @Inject
    public RouteTable(GatewayConfig config) {
        for (Map.Entry<String, GatewayConfig.Route> entry : config.routes().entrySet()) {
            GatewayConfig.Route route = entry.getValue();
            if (!route.enabled()) {
                continue;
            }
            String prefix = route.prefix().replaceAll("/+$", "");
            if (!prefix.startsWith("/") || PathNormalizer.normalize(prefix.isEmpty() ? "/" : prefix).isEmpty()) {
                throw new IllegalStateException("gateway.routes." + entry.getKey() + ".prefix must be a normalised absolute path");
            }
            List<String> limits = route.rateLimits().orElse(List.of());
            for (String policy : limits) {
                if (!config.rateLimits().containsKey(policy)) {
                    throw new IllegalStateException("gateway.routes." + entry.getKey() + ".rate-limits names an unknown policy: " + policy);
                }
            }
            if (route.maxInFlight().isPresent() && route.maxInFlight().getAsInt() < 1) {
                throw new IllegalStateException("gateway.routes." + entry.getKey() + ".max-in-flight must be 1 or more (leave it unset for no limit)");
            }
            if (route.bodyIdleTimeout().isNegative() || route.bodyIdleTimeout().isZero()) {
                throw new IllegalStateException("gateway.routes." + entry.getKey() + ".body-idle-timeout must be more than 0");
            }
            RouteAccess access = access(entry.getKey(), route.auth());
            routes.add(new Route(entry.getKey(), prefix, pathPattern(entry.getKey(), route.pathPattern()),
                    upstream(config.upstreams(), entry.getKey(), route.upstream()),
                    route.stripPrefix(), access, route.timeout(), route.maxBodySize().asLongValue(),
                    List.copyOf(limits), route.bodyIdleTimeout(), route.minBodyRate().asLongValue(), route.maxInFlight().orElse(0),
                    caching(entry.getKey(), route.cache(), access)));
        }
        routes.sort(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed());
    }

    public List<Route> all() {
        return routes;
    }

    /**
     * The route of a normalised path: the longest prefix that matches whole segments, among the routes whose path
     * pattern (if any) the path matches.
     */
    public Optional<Route> match(String path) {
        for (Route route : routes) {
            if (route.takes(path)) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }

    private static Pattern pathPattern(String id, Optional<String> value) {
        if (value.isEmpty() || value.get().isBlank()) {
            return null;
        }
        try {
            return Pattern.compile(value.get());
        } catch (PatternSyntaxException e) {
            throw new IllegalStateException("gateway.routes." + id + ".path-pattern is not a regular expression: " + e.getDescription());
        }
    }

    private static Caching caching(String id, GatewayConfig.RouteCache cache, RouteAccess access) {
        String setting = "gateway.routes." + id + ".cache.";
        if (cache.ttl().isNegative() || cache.ttl().isZero() || cache.maxTtl().compareTo(cache.ttl()) < 0) {
            throw new IllegalStateException(setting + "ttl must be more than 0 and at most " + setting + "max-ttl");
        }
        if (cache.stale().isNegative()) {
            throw new IllegalStateException(setting + "stale cannot be negative");
        }
        // Only a caller whose token the edge verified can have answers of their own.
        if (cache.enabled() && cache.perUser() && access.isPublic()) {
            throw new IllegalStateException(setting + "per-user needs the route's auth to be user or role:<name>");
        }
        // Every request there carries a token, and a shared cache is never used with one: it would cache nothing.
        if (cache.enabled() && !cache.perUser() && !access.isPublic()) {
            throw new IllegalStateException(setting + "enabled on a route with auth " + access + " needs " + setting + "per-user=true");
        }
        return new Caching(cache.enabled(), cache.ttl(), cache.maxTtl(), cache.stale(), cache.perUser(), cache.maxBodySize().asLongValue());
    }

    private static RouteAccess access(String id, String value) {
        try {
            return RouteAccess.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gateway.routes." + id + ".auth: " + e.getMessage());
        }
    }

    /** The upstream's base URL, without a trailing slash, so that joining it with a path needs no clean-up per request. */
    private static URI upstream(GatewayConfig.Upstreams upstreams, String id, String name) {
        URI upstream = switch (name) {
            case "auth" -> upstreams.auth();
            case "payment" -> upstreams.payment();
            case "cache" -> upstreams.cache();
            case "monitoring" -> upstreams.monitoring();
            default -> {
                if (!name.startsWith("http://") && !name.startsWith("https://")) {
                    throw new IllegalStateException("gateway.routes." + id + ".upstream must be auth, payment, cache, monitoring or a URL");
                }
                yield URI.create(name);
            }
        };
        return URI.create(upstream.toString().replaceAll("/+$", ""));
    }
}
