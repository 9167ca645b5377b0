package dev.groundwork.cache.rest;

import dev.groundwork.cache.service.ApiErrors;
import dev.groundwork.http.Problem;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** A request's {@code Cache-Control} directives (RFC 9111 §5.2): names lower-cased, values unquoted. */
record CacheControl(Map<String, String> directives) {

    static CacheControl of(String header) {
        Map<String, String> directives = new HashMap<>();
        if (header != null) {
            for (String part : header.split(",")) {
                String directive = part.trim();
                if (directive.isEmpty()) {
                    continue;
                }
                int eq = directive.indexOf('=');
                String name = (eq < 0 ? directive : directive.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
                String value = eq < 0 ? "" : directive.substring(eq + 1).trim().replace("\"", "");
                directives.put(name, value);
            }
        }
        return new CacheControl(directives);
    }

    boolean has(String name) {
        return directives.containsKey(name);
    }

    /** A delta-seconds directive, or null when absent; 400 when it is not a number of seconds. */
    Duration seconds(String name) {
        String value = directives.get(name);
        if (value == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(value);
            if (seconds >= 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new Problem(400, ApiErrors.BAD_REQUEST, "Cache-Control: " + name + " takes a number of seconds");
    }
}
