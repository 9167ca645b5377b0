package dev.groundwork.auth.error;

/**
 * The machine-readable codes of {@code /auth/v1}'s errors ({@code code} / {@code error_code} in the body and the
 * {@code x-sb-error-code} header), named as GoTrue names them in {@code internal/api/apierrors/errorcode.go}.
 * auth-js and apps switch on these strings: a new one is added here, an existing one never changes.
 */
public final class ErrorCode {

    /** A 500: anything we did not expect. Never a 4xx, which makes auth-js drop its session on refresh. */
    public static final String UNEXPECTED_FAILURE = "unexpected_failure";

    public static final String VALIDATION_FAILED = "validation_failed";
    public static final String BAD_JSON = "bad_json";
    public static final String EMAIL_ADDRESS_INVALID = "email_address_invalid";

    public static final String INVALID_CREDENTIALS = "invalid_credentials";
    public static final String EMAIL_NOT_CONFIRMED = "email_not_confirmed";
    public static final String USER_BANNED = "user_banned";
    public static final String OVER_REQUEST_RATE_LIMIT = "over_request_rate_limit";
    /** A mail of the same kind went to the address less than {@code auth.email.max-frequency} ago. */
    public static final String OVER_EMAIL_SEND_RATE_LIMIT = "over_email_send_rate_limit";
    public static final String WEAK_PASSWORD = "weak_password";
    public static final String SAME_PASSWORD = "same_password";

    public static final String USER_ALREADY_EXISTS = "user_already_exists";
    public static final String EMAIL_EXISTS = "email_exists";
    public static final String USER_NOT_FOUND = "user_not_found";
    public static final String OTP_EXPIRED = "otp_expired";

    public static final String NO_AUTHORIZATION = "no_authorization";
    public static final String BAD_JWT = "bad_jwt";
    public static final String NOT_ADMIN = "not_admin";
    public static final String SESSION_NOT_FOUND = "session_not_found";
    public static final String SESSION_EXPIRED = "session_expired";
    public static final String REFRESH_TOKEN_NOT_FOUND = "refresh_token_not_found";
    public static final String REFRESH_TOKEN_ALREADY_USED = "refresh_token_already_used";

    /** Ours, not GoTrue's: a path no resource serves (GoTrue's router answers these without a code). */
    public static final String NOT_FOUND = "not_found";
    /** Ours, not GoTrue's: a method the path does not take. */
    public static final String METHOD_NOT_ALLOWED = "method_not_allowed";

    private ErrorCode() {
    }
}
