package dev.groundwork.gateway.service;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a raw request path into the one path routes are matched on and services receive: percent-encoded dots
 * decoded, {@code .} and {@code ..} resolved, empty segments collapsed. Paths that could mean something else
 * to a service than to us (an encoded slash or backslash, a NUL, {@code ..} above the root) have no normal form:
 * the request is refused.
 */
public final class PathNormalizer {

    private PathNormalizer() {
    }

    public static Optional<String> normalize(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return Optional.empty();
        }
        String lower = rawPath.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") || rawPath.indexOf('\\') >= 0
                || rawPath.indexOf('\0') >= 0 || lower.contains("%25")) {
            return Optional.empty();
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String raw : rawPath.split("/")) {
            String segment = raw.replace("%2e", ".").replace("%2E", ".");
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    return Optional.empty();
                }
                segments.removeLast();
                continue;
            }
            segments.addLast(segment);
        }
        String path = "/" + String.join("/", segments);
        // A trailing slash means something to some services (Sentry's /api/{project}/envelope/): keep it.
        return Optional.of(rawPath.endsWith("/") && !path.equals("/") ? path + "/" : path);
    }
}
