package dev.groundwork.infra;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A Postgres connection as Supabase shows it to a user, turned into what JDBC needs.
 *
 * <p>Accepts {@code postgresql://user:pass@host:port/db?params} (also {@code postgres://}) and
 * {@code jdbc:postgresql://host:port/db?params}. {@code SUPABASE_DB_USER} / {@code SUPABASE_DB_PASSWORD}
 * win over credentials inside the URL. On Supabase's transaction pooler (port 6543) server-side
 * prepared statements break, so {@code prepareThreshold=0} is added there.
 *
 * @param jdbcUrl  the JDBC URL, without credentials
 * @param host     the server's host
 * @param port     the server's port
 * @param database the database name
 * @param username the user, if any was given
 * @param password the password, if any was given; never printed by {@link #toString()}
 */
public record DatabaseUrl(String jdbcUrl, String host, int port, String database,
                          Optional<String> username, Optional<String> password) {

    /** The port of Supabase's pooler in transaction mode (Supavisor). */
    public static final int TRANSACTION_POOLER_PORT = 6543;

    public static DatabaseUrl parse(String url, String user, String password) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("SUPABASE_DB_URL is empty");
        }
        String trimmed = url.trim();
        String withoutJdbc = trimmed.startsWith("jdbc:") ? trimmed.substring("jdbc:".length()) : trimmed;
        URI uri;
        try {
            uri = new URI(withoutJdbc);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("SUPABASE_DB_URL is not a URL of the form "
                    + "postgresql://user:password@host:port/database (a password with special characters must be percent-encoded)");
        }
        String scheme = uri.getScheme();
        if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)) {
            throw new IllegalArgumentException("SUPABASE_DB_URL must start with postgresql:// or jdbc:postgresql://, not "
                    + (scheme == null ? "nothing" : scheme + "://"));
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("SUPABASE_DB_URL names no host");
        }
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);

        String[] userInfo = uri.getRawUserInfo() == null ? new String[0] : uri.getRawUserInfo().split(":", 2);
        Optional<String> urlUser = userInfo.length > 0 ? nonBlank(decode(userInfo[0])) : Optional.empty();
        Optional<String> urlPassword = userInfo.length > 1 ? Optional.of(decode(userInfo[1])) : Optional.empty();

        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        if (port == TRANSACTION_POOLER_PORT && !query.contains("prepareThreshold=")) {
            query = query.isEmpty() ? "prepareThreshold=0" : query + "&prepareThreshold=0";
        }
        String jdbcUrl = "jdbc:postgresql://" + hostForUrl(uri.getHost()) + ":" + port + "/" + database
                + (query.isEmpty() ? "" : "?" + query);
        return new DatabaseUrl(jdbcUrl, uri.getHost(), port, database,
                nonBlank(user).or(() -> urlUser), nonBlank(password).or(() -> urlPassword));
    }

    /** The same server with another database, e.g. an isolated one for a module's tests. */
    public DatabaseUrl withDatabase(String otherDatabase) {
        String query = jdbcUrl.contains("?") ? jdbcUrl.substring(jdbcUrl.indexOf('?')) : "";
        return new DatabaseUrl("jdbc:postgresql://" + hostForUrl(host) + ":" + port + "/" + otherDatabase + query,
                host, port, otherDatabase, username, password);
    }

    @Override
    public String toString() {
        return "DatabaseUrl[" + jdbcUrl + ", user=" + username.orElse("<none>") + "]";
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static Optional<String> nonBlank(String s) {
        return Optional.ofNullable(s).filter(v -> !v.isBlank());
    }
}
