package dev.groundwork.monitoring.service;

/**
 * A refused envelope, answered in Sentry's format: the status, {@code {"detail": …}} and {@code X-Sentry-Error}
 * (and for quotas {@code Retry-After} and {@code X-Sentry-Rate-Limits}). The details are the constants below, so
 * that an SDK's debug log and our docs say the same.
 */
public class IngestError extends RuntimeException {

    public static final String MISSING_KEY = "missing authorization information";
    public static final String MALFORMED_AUTH = "bad x-sentry-auth header";
    public static final String UNKNOWN_KEY = "invalid or revoked DSN key";
    public static final String PROJECT_MISMATCH = "the DSN key belongs to another project";
    public static final String BAD_PROJECT_ID = "invalid project id";
    public static final String UNSUPPORTED_ENCODING = "unsupported content encoding";
    public static final String BAD_COMPRESSION = "the body could not be decompressed";
    public static final String TOO_LARGE_REQUEST = "request too large";
    public static final String TOO_LARGE_ENVELOPE = "envelope too large once decompressed";
    public static final String TOO_LARGE_ITEM = "item too large";
    public static final String TOO_LARGE_KEPT = "envelope keeps too much";
    public static final String TOO_MANY_ITEMS = "too many items";
    public static final String EMPTY = "empty envelope";
    public static final String BAD_HEADER = "invalid envelope header";
    public static final String BAD_ITEM_HEADER = "invalid item header";
    public static final String BAD_LENGTH = "invalid item length";
    public static final String TRUNCATED = "envelope truncated";
    public static final String BAD_PAYLOAD = "invalid item payload";
    public static final String BAD_EVENT_ID = "invalid event id";
    public static final String QUOTA = "event quota exceeded";
    public static final String OVERLOADED = "ingest is overloaded, try again";
    public static final String UNAVAILABLE = "events cannot be stored right now, try again";

    private final int status;
    private final String detail;
    private final long retryAfterSeconds;
    private final String rateLimits;

    private IngestError(int status, String detail, String more, long retryAfterSeconds, String rateLimits) {
        super(more == null ? detail : detail + ": " + more, null, false, false);
        this.status = status;
        this.detail = more == null ? detail : detail + ": " + more;
        this.retryAfterSeconds = retryAfterSeconds;
        this.rateLimits = rateLimits;
    }

    public static IngestError badRequest(String detail) {
        return new IngestError(400, detail, null, 0, null);
    }

    public static IngestError badRequest(String detail, String more) {
        return new IngestError(400, detail, more, 0, null);
    }

    public static IngestError unauthorized(String detail) {
        return new IngestError(401, detail, null, 0, null);
    }

    public static IngestError forbidden(String detail) {
        return new IngestError(403, detail, null, 0, null);
    }

    public static IngestError tooLarge(String detail, String more) {
        return new IngestError(413, detail, more, 0, null);
    }

    public static IngestError unsupportedEncoding(String encoding) {
        return new IngestError(415, UNSUPPORTED_ENCODING, encoding, 0, null);
    }

    /** Over the project's quota: Sentry's rate-limit header names the categories the SDK should hold back. */
    public static IngestError quota(long retryAfterSeconds, String categories) {
        return new IngestError(429, QUOTA, null, retryAfterSeconds, retryAfterSeconds + ":" + categories + ":project:quota_exceeded");
    }

    public static IngestError unavailable(String detail, long retryAfterSeconds) {
        return new IngestError(503, detail, null, retryAfterSeconds, null);
    }

    public int status() {
        return status;
    }

    public String detail() {
        return detail;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public String rateLimits() {
        return rateLimits;
    }
}
