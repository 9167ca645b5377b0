package dev.groundwork.cache.service;

/** Every problem title of the admin and entries APIs (problem+json through libs/http's Problem). */
public final class ApiErrors {

    public static final String BAD_REQUEST = "Bad request";
    public static final String NOT_FOUND = "Not found";
    public static final String CONFLICT = "Conflict";
    public static final String UNAUTHORIZED = "Unauthorized";
    public static final String FORBIDDEN = "Forbidden";
    public static final String NOT_ALLOWED = "Not allowed";
    public static final String REDIS_REFUSED = "Redis refused";
    public static final String INTERNAL_ERROR = "Internal error";
    public static final String PAYLOAD_TOO_LARGE = "Payload too large";
    public static final String TOO_MANY_REQUESTS = "Too many requests";
    /** A fill whose lease was voided by an invalidation, a delete, a newer write or its expiry. */
    public static final String LEASE_VOIDED = "Lease voided";
    public static final String REDIS_UNAVAILABLE = "Redis unavailable";

    private ApiErrors() {
    }
}
