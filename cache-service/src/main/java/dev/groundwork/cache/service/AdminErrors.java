package dev.groundwork.cache.service;

/** Every problem title of the admin API (problem+json through libs/http's Problem). */
public final class AdminErrors {

    public static final String BAD_REQUEST = "Bad request";
    public static final String NOT_FOUND = "Not found";
    public static final String CONFLICT = "Conflict";
    public static final String UNAUTHORIZED = "Unauthorized";
    public static final String FORBIDDEN = "Forbidden";
    public static final String NOT_ALLOWED = "Not allowed";
    public static final String REDIS_REFUSED = "Redis refused";
    public static final String INTERNAL_ERROR = "Internal error";

    private AdminErrors() {
    }
}
