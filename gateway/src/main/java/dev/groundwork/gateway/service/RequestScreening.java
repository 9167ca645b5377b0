package dev.groundwork.gateway.service;

import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;

/**
 * What every request passes before anything else happens to it: no WebSocket upgrade (vertx-http-proxy would
 * forward it without our interceptor), nothing two servers could read differently (request smuggling), a path
 * that normalises, a route for it that does not lead to a service's own {@code /q/…} (health, metrics, OpenAPI, Dev UI:
 * never public, whatever a route strips or adds), and a declared body within the route's limit. The body itself is not
 * read here.
 */
@ApplicationScoped
public class RequestScreening {

    /** The outcome: the normalised path and its route as far as they were found, and a refusal when it failed. */
    public record Screened(String path, RouteTable.Route route, Refusal refusal) {
    }

    @Inject
    RouteTable routes;

    public Screened screen(HttpServerRequest request) {
        if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            return new Screened(null, null, new Refusal(501, "Not implemented", "the gateway does not forward WebSocket upgrades"));
        }
        String smuggling = smuggling(request);
        if (smuggling != null) {
            return new Screened(null, null, new Refusal(400, "Bad request", smuggling));
        }
        Optional<String> path = PathNormalizer.normalize(request.path());
        if (path.isEmpty()) {
            return new Screened(null, null, new Refusal(400, "Bad path",
                    "the path cannot be normalised (an encoded slash, a NUL, or .. above the root)"));
        }
        Optional<RouteTable.Route> route = routes.match(path.get());
        if (route.isEmpty() || servicesOwn(route.get().upstreamPath(path.get()))) {
            return new Screened(path.get(), null, new Refusal(404, "Not found", "no route for " + path.get()));
        }
        if (contentLength(request) > route.get().maxBodyBytes()) {
            return new Screened(path.get(), route.get(), new Refusal(413, "Payload too large",
                    "at most " + route.get().maxBodyBytes() + " bytes on this route"));
        }
        return new Screened(path.get(), route.get(), null);
    }

    /**
     * Whether a (normalised) path on a service is under its {@code /q}: Quarkus' non-application root. Matched without
     * case and up to a {@code ;} parameter, so that no service's own path matching can differ from ours.
     */
    static boolean servicesOwn(String upstreamPath) {
        int end = upstreamPath.indexOf('/', 1);
        String first = end < 0 ? upstreamPath.substring(1) : upstreamPath.substring(1, end);
        int parameter = first.indexOf(';');
        return (parameter < 0 ? first : first.substring(0, parameter)).equalsIgnoreCase("q");
    }

    /** The declared length, -1 when there is none (a chunked body), {@code Long.MAX_VALUE} when it is not a number. */
    public static long contentLength(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        try {
            return length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
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
}
