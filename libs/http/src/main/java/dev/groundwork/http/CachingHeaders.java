package dev.groundwork.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The caching headers as the fleet reads them (RFC 9111, RFC 9110), one reading for cache-service's entries API and
 * the gateway's response cache: {@code Cache-Control} directives and {@code If-None-Match}.
 */
public final class CachingHeaders {

    private CachingHeaders() {
    }

    /**
     * Cache-Control directives by lower-case name, values unquoted ("" for none); several fields read as one list, a
     * comma inside quotes is part of the value, and the first of a repeated directive counts.
     */
    public static Map<String, String> directives(List<String> fields) {
        Map<String, String> directives = new LinkedHashMap<>();
        for (String field : fields) {
            for (String part : splitOutsideQuotes(field)) {
                String directive = part.trim();
                if (directive.isEmpty()) {
                    continue;
                }
                int equals = directive.indexOf('=');
                String name = (equals < 0 ? directive : directive.substring(0, equals)).trim().toLowerCase(Locale.ROOT);
                String value = equals < 0 ? "" : directive.substring(equals + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                directives.putIfAbsent(name, value);
            }
        }
        return directives;
    }

    /** Whether an {@code If-None-Match} field names the entity tag, or is {@code *} (weak comparison, RFC 9110 §13.1.2). */
    public static boolean noneMatchHits(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null || etag == null) {
            return false;
        }
        String opaque = opaque(etag);
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || opaque(tag).equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    private static List<String> splitOutsideQuotes(String field) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                parts.add(field.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(field.substring(start));
        return parts;
    }
}
