package dev.groundwork.auth.error;

import java.util.Locale;

/**
 * The {@code error} values of the OAuth endpoints ({@code /oauth/token}, {@code /oauth/revoke}) that we answer, as
 * RFC 6749 section 5.2 and RFC 7009 section 2.2.1 define them: OAuth clients switch on these, not on GoTrue's codes.
 */
public enum OAuthErrorCode {
    INVALID_REQUEST,
    INVALID_CLIENT,
    INVALID_SCOPE,
    UNSUPPORTED_GRANT_TYPE,
    UNSUPPORTED_TOKEN_TYPE;

    /** As the {@code error} member writes it: {@code invalid_client}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
