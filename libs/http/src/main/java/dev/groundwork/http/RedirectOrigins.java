package dev.groundwork.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one rule for URLs we send people to (auth-service's e-mail links, payment-service's Stripe checkout and
 * portal): an absolute http(s) URL without user info whose origin (scheme, host, port) is one of the configured
 * ones. Anything else would make our mails or Stripe's pages an open redirect. Origins compare as browsers do:
 * case-insensitive, with the default port written or not.
 */
public final class RedirectOrigins {

    private final Set<String> origins;

    private RedirectOrigins(Set<String> origins) {
        this.origins = origins;
    }

    /**
     * From configured origins or URLs (a URL stands for its origin; its path is ignored).
     *
     * @throws IllegalArgumentException for an entry that is not an absolute http(s) URL, so a typo fails at start
     */
    public static RedirectOrigins of(Collection<String> allowed) {
        return new RedirectOrigins(allowed.stream().map(entry -> origin(entry)
                        .orElseThrow(() -> new IllegalArgumentException("not an http(s) origin: " + entry)))
                .collect(Collectors.toUnmodifiableSet()));
    }

    public boolean isEmpty() {
        return origins.isEmpty();
    }

    /** The URL, normalised, when it may be redirected to; empty when not. */
    public Optional<String> check(String url) {
        if (url == null) {
            return Optional.empty();
        }
        return origin(url).filter(origins::contains).map(allowed -> URI.create(url.trim()).normalize().toString());
    }

    /** {@code scheme://host[:port]}, lower case, without the scheme's default port; empty for anything else. */
    static Optional<String> origin(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null) {
            return Optional.empty();
        }
        int port = uri.getPort();
        boolean defaultPort = port < 0 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return Optional.of(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port));
    }
}
