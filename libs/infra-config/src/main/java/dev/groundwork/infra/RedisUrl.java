package dev.groundwork.infra;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A Redis connection as {@code REDIS_URL}: {@code redis://[user:password@]host:port[/db]} or the TLS form
 * {@code rediss://…}. Quarkus' Redis client reads this form itself; this class only checks it early
 * with a clear message and derives per-module databases for tests.
 *
 * @param url  the URL as given
 * @param host the server's host
 * @param port the server's port
 * @param tls  whether the URL asks for TLS ({@code rediss://})
 */
public record RedisUrl(String url, String host, int port, boolean tls) {

    public static RedisUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("REDIS_URL is empty");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("REDIS_URL is not a URL of the form redis://[:password@]host:port[/db]");
        }
        String scheme = uri.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new IllegalArgumentException("REDIS_URL must start with redis:// or rediss://, not "
                    + (scheme == null ? "nothing" : scheme + "://"));
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("REDIS_URL names no host");
        }
        return new RedisUrl(url.trim(), uri.getHost(), uri.getPort() == -1 ? 6379 : uri.getPort(), "rediss".equals(scheme));
    }

    /** The same server, logical database {@code index}. */
    public RedisUrl withDatabase(int index) {
        URI uri = URI.create(url);
        String base = uri.getScheme() + "://" + (uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@")
                + uri.getRawAuthority().substring(uri.getRawAuthority().indexOf('@') + 1);
        return new RedisUrl(base + "/" + index, host, port, tls);
    }

    @Override
    public String toString() {
        return "RedisUrl[" + (tls ? "rediss" : "redis") + "://" + host + ":" + port + "]";
    }
}
