package dev.groundwork.auth.rest;

import dev.groundwork.auth.config.AuthConfig;
import dev.groundwork.infra.TrustedProxies;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The client's IP for the per-IP throttle and the audit log: the peer, or, when the peer is a trusted proxy (the
 * gateway), the last address in {@code X-Forwarded-For}, the one that proxy saw.
 */
@ApplicationScoped
public class ClientAddress {

    @Inject
    AuthConfig config;

    private TrustedProxies trusted;

    @PostConstruct
    void parse() {
        try {
            trusted = TrustedProxies.of(config.trustedProxies());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("auth.trusted-proxies: " + e.getMessage());
        }
    }

    public String of(HttpServerRequest request) {
        String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().host();
        return trusted.clientAddress(peer, request.getHeader("X-Forwarded-For"));
    }
}
