package dev.groundwork.auth.error;

/**
 * An error of the OAuth endpoints, as OAuth clients expect it: {@code {"error": …, "error_description": …}} with
 * its status ({@code rest.OAuthErrorMapper} writes it). A 400 unless the client failed to authenticate.
 */
public class OAuthError extends RuntimeException {

    public final OAuthErrorCode error;

    public OAuthError(OAuthErrorCode error, String description) {
        super(description, null, false, false);
        this.error = error;
    }

    public int status() {
        return error == OAuthErrorCode.INVALID_CLIENT ? 401 : 400;
    }

    /** The client's id or secret is wrong or missing: the same answer for either. */
    public static OAuthError invalidClient() {
        return new OAuthError(OAuthErrorCode.INVALID_CLIENT, "Client authentication failed");
    }
}
