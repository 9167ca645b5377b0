package dev.groundwork.infra;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which peers may speak for a client through {@code X-Forwarded-For}: IP addresses and CIDR ranges, matched on
 * IP literals only. No name is ever looked up: Quarkus's own trusted-proxy check stalled requests for 5 s on
 * name lookups here (bench/auth.md).
 */
public final class TrustedProxies {

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

    private final List<Range> ranges;

    private TrustedProxies(List<Range> ranges) {
        this.ranges = ranges;
    }

    /** @param entries IPs ({@code 127.0.0.1}, {@code ::1}) or CIDR ranges ({@code 10.0.0.0/8}) */
    public static TrustedProxies of(List<String> entries) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : entries) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.trim().split("/");
            byte[] network = literal(parts[0]);
            if (network == null || parts.length > 2) {
                throw new IllegalArgumentException("not an IP address or CIDR range: " + entry);
            }
            int prefix = parts.length > 1 ? Integer.parseInt(parts[1]) : network.length * 8;
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("not an IP address or CIDR range: " + entry);
            }
            ranges.add(new Range(network, prefix));
        }
        return new TrustedProxies(List.copyOf(ranges));
    }

    /**
     * The client's address: the peer, or, when the peer is trusted, the last hop of its {@code X-Forwarded-For}
     * (the address that proxy saw), if that is an IP literal.
     */
    public String clientAddress(String peer, String forwardedFor) {
        if (forwardedFor == null || !trusts(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        String last = hops[hops.length - 1].trim();
        return literal(last) == null ? peer : last;
    }

    public boolean trusts(String address) {
        byte[] bytes = literal(address);
        return bytes != null && ranges.stream().anyMatch(range -> range.contains(bytes));
    }

    /** The bytes of an IP literal, or null; text that is not made of IP characters is never resolved. */
    public static byte[] literal(String text) {
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
