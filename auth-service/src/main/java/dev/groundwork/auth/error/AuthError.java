package dev.groundwork.auth.error;

import java.util.List;

/**
 * An error as Supabase Auth (GoTrue) answers it: HTTP status, machine-readable {@code code} (auth-js reads it
 * from the body and the {@code x-sb-error-code} header, one of {@link ErrorCode}) and message.
 * {@code rest.AuthErrorMapper} writes it.
 */
public class AuthError extends RuntimeException {

    public final int status;
    public final String code;
    /** {@code weak_password.reasons} for weak passwords, else null. */
    public final List<String> weakPasswordReasons;
    /** Seconds for {@code Retry-After} on 429, else 0. */
    public final long retryAfterSeconds;

    public AuthError(int status, String code, String message) {
        this(status, code, message, null, 0);
    }

    private AuthError(int status, String code, String message, List<String> weakPasswordReasons, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.weakPasswordReasons = weakPasswordReasons;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static AuthError badRequest(String code, String message) {
        return new AuthError(400, code, message);
    }

    public static AuthError invalidCredentials() {
        return new AuthError(400, ErrorCode.INVALID_CREDENTIALS, "Invalid login credentials");
    }

    public static AuthError emailExists() {
        return new AuthError(422, ErrorCode.EMAIL_EXISTS, "A user with this email address has already been registered");
    }

    public static AuthError weakPassword(String message, List<String> reasons) {
        return new AuthError(422, ErrorCode.WEAK_PASSWORD, message, reasons, 0);
    }

    public static AuthError rateLimited(long retryAfterSeconds) {
        return new AuthError(429, ErrorCode.OVER_REQUEST_RATE_LIMIT, "Request rate limit reached", null, Math.max(1, retryAfterSeconds));
    }

    /** GoTrue's answer to a second mail of one kind to one address within {@code GOTRUE_SMTP_MAX_FREQUENCY}. */
    public static AuthError emailRateLimited(long retryAfterSeconds) {
        long seconds = Math.max(1, retryAfterSeconds);
        return new AuthError(429, ErrorCode.OVER_EMAIL_SEND_RATE_LIMIT,
                "For security purposes, you can only request this after " + seconds + " seconds.", null, seconds);
    }

    /** GoTrue's answer to a password on its list of leaked passwords (reason {@code pwned}). */
    public static AuthError pwnedPassword() {
        return weakPassword("Password is known to be weak and easy to guess, please choose a different one.", List.of("pwned"));
    }

    public static AuthError noAuthorization() {
        return new AuthError(401, ErrorCode.NO_AUTHORIZATION, "This endpoint requires a valid Bearer token");
    }

    public static AuthError badJwt(String why) {
        return new AuthError(403, ErrorCode.BAD_JWT, "invalid JWT: unable to parse or verify signature, " + why);
    }

    /** GoTrue's answer when a mail cannot be sent: "Error sending confirmation email", "… recovery email", … */
    public static AuthError mailNotSent(String what) {
        return new AuthError(500, ErrorCode.UNEXPECTED_FAILURE, "Error sending " + what + " email");
    }

    public static AuthError unexpected() {
        return new AuthError(500, ErrorCode.UNEXPECTED_FAILURE, "Unexpected failure, please check server logs for more information");
    }
}
