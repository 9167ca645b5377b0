package dev.groundwork.infra;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * Where a service reports its own errors, as {@code SENTRY_DSN}: Sentry's DSN form
 * {@code {http|https}://{public key}@{host}[:port][/path]/{project id}}. sentry-java reads the DSN itself; this class
 * only checks it early, with a message that never repeats the key.
 *
 * @param dsn       the DSN as given
 * @param host      the host events are sent to
 * @param projectId the project the events belong to
 */
public record SentryDsn(String dsn, String host, long projectId) {

    private static final String FORM = "SENTRY_DSN must look like https://<public key>@<host>[:port]/<project id>";
    private static final Pattern PROJECT_PATH = Pattern.compile("(/[^/]+)*/([1-9][0-9]{0,17})/?");

    public static SentryDsn parse(String dsn) {
        if (dsn == null || dsn.isBlank()) {
            throw new IllegalArgumentException("SENTRY_DSN is empty");
        }
        URI uri;
        try {
            uri = new URI(dsn.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(FORM + " (it is not a URL)");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException(FORM + " (it starts with " + (uri.getScheme() == null ? "no scheme" : uri.getScheme() + "://") + ")");
        }
        if (uri.getRawUserInfo() == null || uri.getRawUserInfo().isBlank()) {
            throw new IllegalArgumentException(FORM + " (it names no public key before the @)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(FORM + " (it names no host)");
        }
        var path = PROJECT_PATH.matcher(uri.getRawPath() == null ? "" : uri.getRawPath());
        if (!path.matches() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(FORM + " (its path does not end in a project id)");
        }
        return new SentryDsn(dsn.trim(), uri.getHost(), Long.parseLong(path.group(2)));
    }

    /** Without the key. */
    @Override
    public String toString() {
        return "SentryDsn[" + host + ", project " + projectId + "]";
    }
}
