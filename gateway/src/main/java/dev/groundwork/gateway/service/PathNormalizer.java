package dev.groundwork.gateway.service;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a raw request path into the one path routes are matched on and services receive: percent-encoded unreserved
 * characters decoded (letters, digits, {@code -._~}: RFC 3986 §6.2.2.2 makes {@code /%71} and {@code /q} the same
 * path, and the services' Vert.x decodes them so), {@code .} and {@code ..} resolved, empty segments collapsed. Paths that could mean something else
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
            String segment = decodeUnreserved(raw);
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

    /** {@code %XX} decoded where it stands for a letter, a digit or {@code -._~}; every other escape kept as it is. */
    private static String decodeUnreserved(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        StringBuilder decoded = new StringBuilder(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%' && i + 2 < segment.length()) {
                int high = Character.digit(segment.charAt(i + 1), 16);
                int low = Character.digit(segment.charAt(i + 2), 16);
                if (high >= 0 && low >= 0 && unreserved((char) (high * 16 + low))) {
                    decoded.append((char) (high * 16 + low));
                    i += 2;
                    continue;
                }
            }
            decoded.append(c);
        }
        return decoded.toString();
    }

    private static boolean unreserved(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
