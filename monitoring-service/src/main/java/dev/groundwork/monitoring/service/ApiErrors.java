package dev.groundwork.monitoring.service;

/** The titles of the problems our own API answers (problem+json); ingest answers in Sentry's format ({@link IngestError}). */
public final class ApiErrors {

    public static final String INVALID = "Invalid request";
    public static final String BAD_REQUEST = "Bad request";
    public static final String UNAUTHORIZED = "Unauthorized";
    public static final String INTERNAL_ERROR = "Internal error";
    public static final String NOT_FOUND = "Not found";
    public static final String CONFLICT = "Conflict";
    public static final String FORBIDDEN = "Forbidden";

    private ApiErrors() {
    }
}
