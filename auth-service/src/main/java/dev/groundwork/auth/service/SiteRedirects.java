package dev.groundwork.auth.service;

import dev.groundwork.auth.config.AuthConfig;
import dev.groundwork.http.RedirectOrigins;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/**
 * Where an e-mailed link may send people after verifying: the app's own site only, by the fleet's one rule
 * ({@link RedirectOrigins}); anything else would make our e-mails an open redirect. Built at start, so a site URL
 * that is not an http(s) URL stops the service with the setting's name rather than failing each link.
 */
@Startup
@ApplicationScoped
public class SiteRedirects {

    @Inject
    AuthConfig config;

    private RedirectOrigins allowed;
    private String site;

    @PostConstruct
    void build() {
        site = config.email().siteUrl().toString();
        try {
            allowed = RedirectOrigins.of(List.of(site));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("auth.email.site-url: " + e.getMessage());
        }
    }

    /** {@code redirectTo} (normalised) when it is on the site URL's origin, else the site URL. */
    public String target(String redirectTo) {
        return allowed.check(redirectTo).orElse(site);
    }
}
