package dev.groundwork.gateway.service;

import java.util.Map;

/**
 * Why the gateway answers a request itself instead of forwarding it: a problem+json answer, with the headers
 * that go with it ({@code WWW-Authenticate}, {@code Retry-After}).
 */
public record Refusal(int status, String title, String detail, Map<String, String> headers) {

    public Refusal(int status, String title, String detail) {
        this(status, title, detail, Map.of());
    }

    public static Refusal retryLater(String title, String detail, long retryAfterSeconds) {
        return new Refusal(503, title, detail, Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }
}
