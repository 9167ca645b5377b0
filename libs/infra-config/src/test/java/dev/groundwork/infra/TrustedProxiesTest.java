package dev.groundwork.infra;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrustedProxiesTest {

    /** A load balancer (203.0.113.0/28) in front of the ingress controller's pods, the gateway's pods in 10.42/16. */
    private final TrustedProxies cluster = TrustedProxies.of(List.of("127.0.0.1", "::1", "10.42.0.0/16", "203.0.113.0/28"));

    @Test
    void addressesAndRangesOfBothFamilies() {
        TrustedProxies trusted = TrustedProxies.of(List.of("127.0.0.1", "10.0.0.0/8", "192.168.4.0/22", "::1", "fd00::/8"));
        assertTrue(trusted.trusts("127.0.0.1"));
        assertTrue(trusted.trusts("10.42.7.9"));
        assertTrue(trusted.trusts("192.168.7.255"));
        assertFalse(trusted.trusts("192.168.8.0"));
        assertTrue(trusted.trusts("0:0:0:0:0:0:0:1"));
        assertTrue(trusted.trusts("fd12:3456::1"));
        assertTrue(trusted.trusts("::ffff:10.1.2.3"), "an IPv4-mapped address is the IPv4 address");
        assertFalse(trusted.trusts("11.0.0.1"));
        assertFalse(trusted.trusts("localhost"), "names are never looked up");
        assertFalse(trusted.trusts(null));
    }

    /**
     * The walk over a chain behind {@link #cluster}: client → load balancer (203.0.113.0/28) → ingress controller
     * pod → gateway pod (10.42.0.0/16) → auth-service. {@code <none>} is a missing header.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "<none>", textBlock = """
            an untrusted peer is the client                  | 198.51.100.9 | 6.6.6.6                                          | 198.51.100.9
            a client cannot claim to be a proxy              | 198.51.100.9 | 10.42.0.1                                        | 198.51.100.9
            no header                                        | 10.42.1.1    | <none>                                           | 10.42.1.1
            an empty header                                  | 10.42.1.1    | ''                                               | 10.42.1.1
            a blank header                                   | 10.42.1.1    | '  '                                             | 10.42.1.1
            one trusted proxy speaks for what it saw         | 10.42.1.3    | 198.51.100.2                                     | 198.51.100.2
            what the client wrote left of that is ignored    | 10.42.1.3    | 6.6.6.6, 198.51.100.2                            | 198.51.100.2
            past the ingress and the load balancer           | 10.42.3.4    | 198.51.100.2, 203.0.113.5, 10.42.7.7             | 198.51.100.2
            without spaces                                   | 10.42.3.4    | 198.51.100.2,203.0.113.5,10.42.7.7               | 198.51.100.2
            a loopback peer and two pods                     | 127.0.0.1    | 198.51.100.2, 10.42.7.7, 10.42.3.4               | 198.51.100.2
            spoofed proxies left of the client are ignored   | 10.42.3.4    | 1.1.1.1, 10.42.0.9, 198.51.100.2, 203.0.113.5, 10.42.7.7 | 198.51.100.2
            a spoofed loopback left of the client is ignored | 10.42.3.4    | 127.0.0.1, 198.51.100.2, 10.42.7.7               | 198.51.100.2
            every entry trusted: the leftmost                | 127.0.0.1    | 10.42.9.9, 10.42.7.7                             | 10.42.9.9
            one entry, trusted                               | 127.0.0.1    | 203.0.113.1                                      | 203.0.113.1
            IPv4 with ports                                  | 10.42.3.4    | 198.51.100.2:61000, 10.42.7.7:443                | 198.51.100.2
            garbage ends the walk at the peer                | 10.42.3.4    | not-an-ip                                        | 10.42.3.4
            garbage ends it at the hop that passed it on     | 10.42.3.4    | 198.51.100.2, not-an-ip, 10.42.7.7               | 10.42.7.7
            RFC 7239's unknown                               | 10.42.3.4    | 198.51.100.2, unknown, 10.42.7.7                 | 10.42.7.7
            an obfuscated node                               | 10.42.3.4    | 198.51.100.2, _hidden, 10.42.7.7                 | 10.42.7.7
            an empty element                                 | 10.42.3.4    | 198.51.100.2, , 10.42.7.7                        | 10.42.7.7
            a trailing comma                                 | 10.42.3.4    | 198.51.100.2,                                    | 10.42.3.4
            only a comma                                     | 10.42.3.4    | ','                                              | 10.42.3.4
            a port out of range                              | 10.42.3.4    | 198.51.100.2:99999                               | 10.42.3.4
            a colon without a port                           | 10.42.3.4    | 198.51.100.2:                                    | 10.42.3.4
            brackets are for IPv6                            | 10.42.3.4    | [198.51.100.2]                                   | 10.42.3.4
            an unclosed bracket                              | 10.42.3.4    | [2001:db8::7                                     | 10.42.3.4
            text after the bracket                           | 10.42.3.4    | [2001:db8::7]x                                   | 10.42.3.4
            an octet out of range                            | 10.42.3.4    | 198.51.100.256                                   | 10.42.3.4
            no legacy shorthand                              | 10.42.3.4    | 198.51.100                                       | 10.42.3.4
            no zone ids                                      | 10.42.3.4    | fe80::1%eth0                                     | 10.42.3.4
            two addresses without a comma                    | 10.42.3.4    | 198.51.100.2 198.51.100.3                        | 10.42.3.4
            """)
    void theClientIsTheFirstUntrustedAddressFromTheRight(String walk, String peer, String forwardedFor, String client) {
        assertEquals(client, cluster.clientAddress(peer, forwardedFor), walk);
    }

    /** The same behind IPv6 proxies (::1, fd00::/8). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a bare address                   | ::1             | 2001:db8::7                         | 2001:db8::7
            past a pod, long loopback form   | 0:0:0:0:0:0:0:1 | 2001:db8::7, fd00::2                | 2001:db8::7
            in brackets with ports           | ::1             | [2001:db8::7]:51234, [fd00::2]:443  | 2001:db8::7
            in brackets without a port       | ::1             | [2001:db8::7]                       | 2001:db8::7
            a spoofed entry left of it       | ::1             | 9.9.9.9, 2001:db8::7, fd00::2       | 2001:db8::7
            """)
    void ipv6Chains(String walk, String peer, String forwardedFor, String client) {
        assertEquals(client, TrustedProxies.of(List.of("::1", "fd00::/8")).clientAddress(peer, forwardedFor), walk);
    }

    @Test
    void textThatLooksLikeHexIsNeverResolved() {
        // "cafe" and "dead.beef" are host names to InetAddress; a lookup would stall the request
        assertNull(TrustedProxies.literal("cafe"));
        assertNull(TrustedProxies.literal("dead.beef"));
        assertNull(TrustedProxies.literal("dead:beef"));
        assertNull(TrustedProxies.literal("1"));
        assertArrayEquals(new byte[]{(byte) 192, 0, 2, 1}, TrustedProxies.literal("192.0.2.1"));
        assertArrayEquals(new byte[]{10, 1, 2, 3}, TrustedProxies.literal("::ffff:10.1.2.3"));
        assertEquals(16, TrustedProxies.literal("2001:db8::1").length);
    }

    @Test
    void aBadEntryIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of("gateway.internal")));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of("10.0.0.0/33")));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of("10.0.0.0/x")));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of("10.0/8")));
    }
}
