package dev.groundwork.monitoring.service.grouping;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ParameterizerTest {

    private static void assertParameterized(String expected, String text) {
        assertEquals(expected, Parameterizer.parameterize(text), text);
    }

    @Test
    void uuidsAreOneValueNotFiveNumbers() {
        assertParameterized("order <uuid> not found", "order 8c1e2f0a-7b3d-4e5f-9a6b-1c2d3e4f5a6b not found");
        assertParameterized("order <uuid> not found", "order 8C1E2F0A-7B3D-4E5F-9A6B-1C2D3E4F5A6B not found");
    }

    @Test
    void emailAddresses() {
        assertParameterized("invite to <email> bounced", "invite to jane.doe+billing@mail.example.co.uk bounced");
        assertParameterized("no account for <email>.", "no account for user42@example.com.");
    }

    @Test
    void datesAndTimestampsBeforeTheirNumbers() {
        assertParameterized("expired at <date>", "expired at 2026-11-23T21:49:10.332Z");
        assertParameterized("expired at <date>", "expired at 2026-11-23 21:49:10+01:00");
        assertParameterized("no rates for <date>", "no rates for 2026-11-23");
        assertParameterized("not modified since <date>", "not modified since Mon, 23 Nov 2026 21:49:10 GMT");
    }

    @Test
    void ipAddresses() {
        assertParameterized("connect to <ip>:<int> refused", "connect to 10.0.12.7:5432 refused");
        assertParameterized("blocked <ip>.", "blocked 192.168.1.20.");
        assertParameterized("peer <ip> reset", "peer 2001:db8:85a3::8a2e:370:7334 reset");
        assertParameterized("peer <ip> reset", "peer 2001:0db8:85a3:0000:0000:8a2e:0370:7334 reset");
        assertParameterized("listening on [<ip>]:<int>", "listening on [::1]:8080");
    }

    @Test
    void codeThatLooksLikeAnAddressStays() {
        assertParameterized("std::vector overflow in Foo::bar", "std::vector overflow in Foo::bar");
        assertParameterized("took <int>:<int>:<int>", "took 12:30:45");
    }

    @Test
    void hexValues() {
        assertParameterized("segfault at <hex>", "segfault at 0x7ffe3a2b");
        assertParameterized("handle <hex> closed", "handle 0x1F closed");
        assertParameterized("commit <hex> missing", "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 missing");
        assertParameterized("token <hex> expired", "token 3fa85f64a1b2 expired");
    }

    @Test
    void wordsAndDecimalIdsAreNotHex() {
        assertParameterized("deadline exceeded", "deadline exceeded");
        assertParameterized("user <int> blocked", "user 12345678 blocked");
    }

    @Test
    void numbers() {
        assertParameterized("order <int> failed after <float>s", "order 42 failed after 1.5s");
        assertParameterized("took <int>ms, limit -<int>", "took 250ms, limit -1");
        assertParameterized("order-<int> id=<int>", "order-42 id=7");
    }

    @Test
    void numbersInsideNamesStay() {
        assertParameterized("user42 hit v2 of oauth2", "user42 hit v2 of oauth2");
    }

    @Test
    void textWithoutValuesIsUnchanged() {
        assertParameterized("", "");
        assertParameterized("Cannot invoke \"String.length()\" because \"id\" is null",
                "Cannot invoke \"String.length()\" because \"id\" is null");
        assertNull(Parameterizer.parameterize(null));
    }

    @Test
    void aLongTextIsNoProblem() {
        String longToken = "a".repeat(200_000);
        assertEquals(longToken, Parameterizer.parameterize(longToken));
        String manyDots = "x@" + "a.".repeat(100_000) + "com";
        assertEquals("<email>", Parameterizer.parameterize(manyDots));
        assertEquals("<int> ".repeat(50_000), Parameterizer.parameterize("42 ".repeat(50_000)));
    }
}
