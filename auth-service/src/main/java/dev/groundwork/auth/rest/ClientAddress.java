package dev.groundwork.auth.rest;

import dev.groundwork.auth.config.AuthConfig;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's IP for the per-IP throttle and the audit log: the peer, or, when the peer is a trusted proxy (the
 * gateway), the last address in {@code X-Forwarded-For}, the one that proxy saw. IP literals only, no name lookups.
 */
@ApplicationScoped
public class ClientAddress {

    private record Range(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            return rest == 0 || ((address[full] ^ network[full]) & (0xFF << (8 - rest))) == 0;
        }
    }

    @Inject
    AuthConfig config;

    private final List<Range> trusted = new ArrayList<>();

    @PostConstruct
    void parse() {
        for (String entry : config.trustedProxies()) {
            String[] parts = entry.trim().split("/");
            byte[] network = literal(parts[0]);
            if (network == null) {
                throw new IllegalStateException("auth.trusted-proxies: not an IP address or CIDR range: " + entry);
            }
            trusted.add(new Range(network, parts.length > 1 ? Integer.parseInt(parts[1]) : network.length * 8));
        }
    }

    public String of(HttpServerRequest request) {
        String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().host();
        String forwarded = request.getHeader("X-Forwarded-For");
        byte[] peerAddress = literal(peer);
        if (forwarded == null || peerAddress == null || trusted.stream().noneMatch(r -> r.contains(peerAddress))) {
            return peer;
        }
        String[] hops = forwarded.split(",");
        String last = hops[hops.length - 1].trim();
        return literal(last) == null ? peer : last;
    }

    /** The bytes of an IP literal, or null; never a DNS lookup (anything with a letter other than hex is refused). */
    private static byte[] literal(String text) {
        if (text == null || text.isEmpty() || !text.matches("[0-9a-fA-F:.]+")) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
