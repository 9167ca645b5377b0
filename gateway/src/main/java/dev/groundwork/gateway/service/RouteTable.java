package dev.groundwork.gateway.service;

import dev.groundwork.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The configured routes, longest prefix first; matching happens on normalised paths only. */
@ApplicationScoped
public class RouteTable {

    /**
     * A route with its upstream resolved to a base URL. Its body must keep coming: a byte at least every
     * {@code bodyIdleTimeout}, and {@code minBodyRate} bytes a second on average (0: no minimum); {@code maxInFlight}
     * requests at once at most (0: no limit).
     */
    public record Route(String id, String prefix, URI upstream, boolean stripPrefix, RouteAccess access,
                        java.time.Duration timeout, long maxBodyBytes, List<String> rateLimits,
                        java.time.Duration bodyIdleTimeout, long minBodyRate, int maxInFlight) {

        /** The path to send upstream for a matched (normalised) path; the upstream's path has no trailing slash. */
        public String upstreamPath(String path) {
            String rest = stripPrefix ? path.substring(prefix.length()) : path;
            String base = upstream.getPath() == null ? "" : upstream.getPath();
            String joined = base + (rest.isEmpty() ? "/" : rest);
            return joined.isEmpty() ? "/" : joined;
        }
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
            routes.add(new Route(entry.getKey(), prefix, upstream(config.upstreams(), entry.getKey(), route.upstream()),
                    route.stripPrefix(), access(entry.getKey(), route.auth()), route.timeout(), route.maxBodySize().asLongValue(),
                    List.copyOf(limits), route.bodyIdleTimeout(), route.minBodyRate().asLongValue(), route.maxInFlight().orElse(0)));
        }
        routes.sort(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed());
    }

    public List<Route> all() {
        return routes;
    }

    /** The route of a normalised path: the longest prefix that matches whole segments. */
    public Optional<Route> match(String path) {
        for (Route route : routes) {
            String prefix = route.prefix();
            if (prefix.isEmpty() || path.equals(prefix) || path.startsWith(prefix + "/")) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
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
