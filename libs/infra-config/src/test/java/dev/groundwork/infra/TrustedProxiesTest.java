package dev.groundwork.infra;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrustedProxiesTest {

    @Test
    void addressesAndRangesOfBothFamilies() {
        TrustedProxies trusted = TrustedProxies.of(List.of("127.0.0.1", "10.0.0.0/8", "192.168.4.0/22", "::1", "fd00::/8"));
        assertTrue(trusted.trusts("127.0.0.1"));
        assertTrue(trusted.trusts("10.42.7.9"));
        assertTrue(trusted.trusts("192.168.7.255"));
        assertFalse(trusted.trusts("192.168.8.0"));
        assertTrue(trusted.trusts("0:0:0:0:0:0:0:1"));
        assertTrue(trusted.trusts("fd12:3456::1"));
        assertFalse(trusted.trusts("11.0.0.1"));
        assertFalse(trusted.trusts("localhost"), "names are never looked up");
        assertFalse(trusted.trusts(null));
    }

    @Test
    void theClientIsThePeerOrWhatATrustedProxySaw() {
        TrustedProxies trusted = TrustedProxies.of(List.of("10.0.0.0/8"));
        org.junit.jupiter.api.Assertions.assertEquals("203.0.113.5", trusted.clientAddress("203.0.113.5", "6.6.6.6"));
        org.junit.jupiter.api.Assertions.assertEquals("198.51.100.2", trusted.clientAddress("10.1.2.3", "6.6.6.6, 198.51.100.2"));
        org.junit.jupiter.api.Assertions.assertEquals("10.1.2.3", trusted.clientAddress("10.1.2.3", "not-an-ip"));
        org.junit.jupiter.api.Assertions.assertEquals("10.1.2.3", trusted.clientAddress("10.1.2.3", null));
    }

    @Test
    void aBadEntryIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of("gateway.internal")));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of("10.0.0.0/33")));
    }
}
