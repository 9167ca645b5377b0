package dev.groundwork.infra;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

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

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

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
     * The client's address, walking {@code X-Forwarded-For} from the right as RFC 7239 section 7.4 describes: the
     * peer, unless it is a trusted proxy; then the hop it saw (the last entry), unless that is a trusted proxy too;
     * and so on. The first address that is not trusted is the client; if every entry is trusted, the leftmost.
     * An entry is only read when the hop to its right is trusted, so whatever a client wrote itself (entries left
     * of the first proxy we trust) is never believed. An entry that is not an IP literal (a name, {@code unknown},
     * garbage, an empty element) ends the walk at the trusted hop that passed it on.
     *
     * @param peer         the address of the connection's other end
     * @param forwardedFor the {@code X-Forwarded-For} header, several headers joined with commas, or null
     * @return an IP literal as the proxies wrote it, without brackets or port
     */
    public String clientAddress(String peer, String forwardedFor) {
        String client = peer;
        if (forwardedFor == null || forwardedFor.isBlank()) {
            return client;
        }
        String[] hops = forwardedFor.split(",", -1);
        for (int i = hops.length - 1; i >= 0 && trusts(client); i--) {
            String hop = address(hops[i].trim());
            if (hop == null) {
                break;
            }
            client = hop;
        }
        return client;
    }

    /** An entry's IP literal without brackets or port ({@code 192.0.2.1:443}, {@code [2001:db8::1]:443}), or null. */
    private static String address(String entry) {
        String address = entry;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0 || !(close == address.length() - 1 || port(address.substring(close + 1)))) {
                return null;
            }
            address = address.substring(1, close);
            return address.contains(":") && literal(address) != null ? address : null;
        }
        int colon = address.indexOf(':');
        if (colon >= 0 && colon == address.lastIndexOf(':')) {
            // one colon: an IPv4 address with a port (an IPv6 address has at least two)
            if (!port(address.substring(colon))) {
                return null;
            }
            address = address.substring(0, colon);
            return address.contains(".") && literal(address) != null ? address : null;
        }
        return literal(address) == null ? null : address;
    }

    private static boolean port(String text) {
        return text.matches(":[0-9]{1,5}") && Integer.parseInt(text.substring(1)) <= 65535;
    }

    public boolean trusts(String address) {
        byte[] bytes = literal(address);
        return bytes != null && ranges.stream().anyMatch(range -> range.contains(bytes));
    }

    /**
     * The bytes of an IP literal, or null. Only a dotted quad ({@code 192.0.2.1}, no shorthand such as
     * {@code 192.1}) or an IPv6 address ({@code 2001:db8::1}, {@code ::ffff:192.0.2.1}) is one; nothing is ever
     * resolved (a bare {@code cafe} is a host name to {@link InetAddress}, so it never sees one).
     */
    public static byte[] literal(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (IPV4.matcher(text).matches()) {
            byte[] bytes = new byte[4];
            String[] parts = text.split("\\.");
            for (int i = 0; i < 4; i++) {
                int part = Integer.parseInt(parts[i]);
                if (part > 255) {
                    return null;
                }
                bytes[i] = (byte) part;
            }
            return bytes;
        }
        if (!IPV6_CHARACTERS.matcher(text).matches()) {
            return null;
        }
        try {
            // in brackets, InetAddress takes the text as an IPv6 literal or fails; it never looks it up
            return InetAddress.getByName("[" + text + "]").getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
