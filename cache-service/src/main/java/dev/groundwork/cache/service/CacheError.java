package dev.groundwork.cache.service;

/**
 * An error of the Upstash-compatible API: written as {@code {"error": message}} with {@link #status} (Upstash's
 * codes: 400 command error, 401 token, 403 not allowed, 429 rate). The message never quotes a token.
 */
public class CacheError extends RuntimeException {

    // Every message a client can get from us (Redis' own errors pass through as Redis wrote them).
    public static final String UNAUTHORIZED = "Unauthorized: a valid namespace token is needed (Authorization: Bearer <token> or ?_token=)";
    public static final String BAD_JSON = "ERR failed to parse command: the body must be a JSON array of strings and numbers";
    public static final String BAD_PIPELINE = "ERR failed to parse pipeline: the body must be a JSON array of commands (arrays)";
    public static final String EMPTY_COMMAND = "ERR empty command";
    public static final String BODY_TOO_LARGE = "ERR request body too large: at most %d bytes";
    public static final String PIPELINE_TOO_LONG = "ERR too many commands: at most %d in one pipeline or transaction";
    public static final String VALUE_TOO_LARGE = "ERR value too large: this namespace takes arguments of at most %d bytes";
    public static final String TOO_MANY_KEYS = "ERR namespace full: it holds about %d keys, its limit is %d (let keys expire or delete some)";
    public static final String UNKNOWN_COMMAND = "ERR unknown command '%s'";
    public static final String REFUSED = "ERR command '%s' is not available on this API: %s";
    public static final String READ_ONLY = "NOPERM this token is read-only and cannot run '%s'";
    public static final String GROUP_NOT_ALLOWED = "NOPERM command '%s' is not in this namespace's allowed command groups";
    public static final String RATE_LIMITED = "ERR max requests limit exceeded: this namespace may make %d requests per second";
    public static final String UNAVAILABLE = "ERR Redis is unavailable, try again";

    private final int status;

    public CacheError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static CacheError unauthorized() {
        return new CacheError(401, UNAUTHORIZED);
    }

    public static CacheError badRequest(String message) {
        return new CacheError(400, message);
    }

    public static CacheError refused(String command, String why) {
        return new CacheError(403, REFUSED.formatted(command.toUpperCase(java.util.Locale.ROOT), why));
    }
}
