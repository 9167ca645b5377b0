package dev.groundwork.monitoring.service;

import java.util.Locale;

/**
 * The DSN key of a request, where Sentry's SDKs put it: {@code X-Sentry-Auth: Sentry sentry_key=…, sentry_version=7},
 * the same in {@code Authorization} (old SDKs), or the {@code sentry_key} query parameter (browser SDKs, to spare a
 * CORS preflight). The envelope header's {@code dsn} is the last resort, read by {@link Ingest}.
 */
final class SentryAuth {

    private static final String SCHEME = "sentry ";

    private SentryAuth() {
    }

    /** The key, or null when the request carries none; a header that is not Sentry's is a 401. */
    static String key(String sentryAuth, String authorization, String queryKey) {
        String key = sentryAuth != null ? parameter(sentryAuth) : null;
        if (key == null && authorization != null && authorization.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
            key = parameter(authorization);
        }
        return key != null ? key : blankToNull(queryKey);
    }

    private static String parameter(String header) {
        String value = header.strip();
        if (value.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
            value = value.substring(SCHEME.length());
        }
        for (String part : value.split(",")) {
            String[] pair = part.strip().split("=", 2);
            if (pair.length == 2 && pair[0].strip().equals("sentry_key")) {
                return blankToNull(pair[1].strip());
            }
        }
        throw IngestError.unauthorized(IngestError.MALFORMED_AUTH);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
