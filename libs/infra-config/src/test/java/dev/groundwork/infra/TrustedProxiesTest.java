package dev.groundwork.infra;

import org.junit.jupiter.api.Test;

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

    @Test
    void theClientIsThePeerWhenThePeerIsNotTrusted() {
        assertEquals("198.51.100.9", cluster.clientAddress("198.51.100.9", "6.6.6.6"));
        assertEquals("198.51.100.9", cluster.clientAddress("198.51.100.9", "10.42.0.1"), "a client cannot claim to be a proxy");
        assertEquals("10.42.1.1", cluster.clientAddress("10.42.1.1", null));
        assertEquals("10.42.1.1", cluster.clientAddress("10.42.1.1", ""));
        assertEquals("10.42.1.1", cluster.clientAddress("10.42.1.1", "  "));
    }

    @Test
    void oneTrustedProxySpeaksForTheAddressItSaw() {
        assertEquals("198.51.100.2", cluster.clientAddress("10.42.1.3", "198.51.100.2"));
        assertEquals("198.51.100.2", cluster.clientAddress("10.42.1.3", "6.6.6.6, 198.51.100.2"),
                "what the client wrote left of the address the proxy saw is not believed");
    }

    @Test
    void theWalkGoesPastEveryTrustedHop() {
        // client → load balancer → ingress controller pod → gateway pod → auth-service
        assertEquals("198.51.100.2", cluster.clientAddress("10.42.3.4", "198.51.100.2, 203.0.113.5, 10.42.7.7"));
        assertEquals("198.51.100.2", cluster.clientAddress("10.42.3.4", "198.51.100.2,203.0.113.5,10.42.7.7"));
        assertEquals("198.51.100.2", cluster.clientAddress("127.0.0.1", "198.51.100.2, 10.42.7.7, 10.42.3.4"));
    }

    @Test
    void spoofedEntriesLeftOfTheClientAreIgnored() {
        // the client sent "X-Forwarded-For: 1.1.1.1, 10.42.0.9" itself, hoping to pass as a proxy or as another client
        assertEquals("198.51.100.2", cluster.clientAddress("10.42.3.4", "1.1.1.1, 10.42.0.9, 198.51.100.2, 203.0.113.5, 10.42.7.7"));
        assertEquals("198.51.100.2", cluster.clientAddress("10.42.3.4", "127.0.0.1, 198.51.100.2, 10.42.7.7"));
    }

    @Test
    void whenEveryEntryIsTrustedTheLeftmostIsTheClient() {
        assertEquals("10.42.9.9", cluster.clientAddress("127.0.0.1", "10.42.9.9, 10.42.7.7"));
        assertEquals("203.0.113.1", cluster.clientAddress("127.0.0.1", "203.0.113.1"));
    }

    @Test
    void ipv6EntriesWithAndWithoutBracketsAndPorts() {
        TrustedProxies v6 = TrustedProxies.of(List.of("::1", "fd00::/8"));
        assertEquals("2001:db8::7", v6.clientAddress("::1", "2001:db8::7"));
        assertEquals("2001:db8::7", v6.clientAddress("0:0:0:0:0:0:0:1", "2001:db8::7, fd00::2"));
        assertEquals("2001:db8::7", v6.clientAddress("::1", "[2001:db8::7]:51234, [fd00::2]:443"));
        assertEquals("2001:db8::7", v6.clientAddress("::1", "[2001:db8::7]"));
        assertEquals("2001:db8::7", v6.clientAddress("::1", "9.9.9.9, 2001:db8::7, fd00::2"));
    }

    @Test
    void ipv4EntriesWithPorts() {
        assertEquals("198.51.100.2", cluster.clientAddress("10.42.3.4", "198.51.100.2:61000, 10.42.7.7:443"));
        assertEquals("198.51.100.2", cluster.clientAddress("10.42.3.4", "198.51.100.2:61000"));
    }

    @Test
    void garbageStopsTheWalkAtTheTrustedHopThatPassedItOn() {
        assertEquals("10.42.3.4", cluster.clientAddress("10.42.3.4", "not-an-ip"));
        assertEquals("10.42.7.7", cluster.clientAddress("10.42.3.4", "198.51.100.2, not-an-ip, 10.42.7.7"));
        assertEquals("10.42.7.7", cluster.clientAddress("10.42.3.4", "198.51.100.2, unknown, 10.42.7.7"), "RFC 7239's unknown");
        assertEquals("10.42.7.7", cluster.clientAddress("10.42.3.4", "198.51.100.2, _hidden, 10.42.7.7"), "an obfuscated node");
        assertEquals("10.42.7.7", cluster.clientAddress("10.42.3.4", "198.51.100.2, , 10.42.7.7"), "an empty element");
        assertEquals("10.42.3.4", cluster.clientAddress("10.42.3.4", "198.51.100.2,"), "a trailing comma");
        assertEquals("10.42.3.4", cluster.clientAddress("10.42.3.4", ","));
        assertEquals("10.42.3.4", cluster.clientAddress("10.42.3.4", "198.51.100.2:99999"), "a port out of range");
        assertEquals("10.42.3.4", cluster.clientAddress("10.42.3.4", "198.51.100.2:"));
        assertEquals("10.42.3.4", cluster.clientAddress("10.42.3.4", "[198.51.100.2]"), "brackets are for IPv6");
        assertEquals("10.42.3.4", cluster.clientAddress("10.42.3.4", "[2001:db8::7"));
        assertEquals("10.42.3.4", cluster.clientAddress("10.42.3.4", "[2001:db8::7]x"));
        assertEquals("10.42.3.4", cluster.clientAddress("10.42.3.4", "198.51.100.256"));
        assertEquals("10.42.3.4", cluster.clientAddress("10.42.3.4", "198.51.100"), "no legacy shorthand");
        assertEquals("10.42.3.4", cluster.clientAddress("10.42.3.4", "fe80::1%eth0"), "no zone ids");
        assertEquals("10.42.3.4", cluster.clientAddress("10.42.3.4", "198.51.100.2 198.51.100.3"));
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
