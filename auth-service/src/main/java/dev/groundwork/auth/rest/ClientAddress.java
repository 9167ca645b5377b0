package dev.groundwork.auth.rest;

import dev.groundwork.auth.config.AuthConfig;
import dev.groundwork.infra.TrustedProxies;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/**
 * The client's IP for the per-IP throttle and the audit log: the first address from the right of the peer and its
 * {@code X-Forwarded-For} that is not a trusted proxy (the gateway, the ingress, a load balancer), as
 * {@link TrustedProxies#clientAddress} walks it.
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
        List<String> forwardedFor = request.headers().getAll("X-Forwarded-For");
        return trusted.clientAddress(peer, forwardedFor.isEmpty() ? null : String.join(",", forwardedFor));
    }
}
