package dev.groundwork.cache.rest;

import dev.groundwork.cache.service.ApiErrors;
import dev.groundwork.http.CachingHeaders;
import dev.groundwork.http.Problem;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A request's {@code Cache-Control} directives (RFC 9111 §5.2), as libs/http reads them, and their delta-seconds. */
record CacheControl(Map<String, String> directives) {

    static CacheControl of(String header) {
        return new CacheControl(header == null ? Map.of() : CachingHeaders.directives(List.of(header)));
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
