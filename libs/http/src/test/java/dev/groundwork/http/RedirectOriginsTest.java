package dev.groundwork.http;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedirectOriginsTest {

    private final RedirectOrigins allowed = RedirectOrigins.of(List.of("https://app.example.com/", "http://localhost:3000"));

    @Test
    void urlsUnderAnAllowedOriginPass() {
        assertEquals(Optional.of("https://app.example.com/billing?done=1"), allowed.check("https://app.example.com/billing?done=1"));
        assertEquals(Optional.of("http://localhost:3000/a/c"), allowed.check("http://localhost:3000/a/b/../c"));
    }

    @Test
    void originsCompareAsBrowsersDo() {
        assertTrue(allowed.check("HTTPS://App.Example.com/x").isPresent());
        assertTrue(allowed.check("https://app.example.com:443/x").isPresent());
    }

    @Test
    void everythingElseIsRefused() {
        for (String url : new String[]{
                null, "", "/relative", "//app.example.com/x", "javascript:alert(1)", "ftp://app.example.com/",
                "https://app.example.com.evil.test/", "https://evil.test/?https://app.example.com",
                "https://app.example.com@evil.test/", "https://user@app.example.com/", "http://app.example.com/",
                "https://app.example.com:8443/", "http://localhost:3001/", "https://app.example.com/\\evil", "not a url"}) {
            assertEquals(Optional.empty(), allowed.check(url), String.valueOf(url));
        }
    }

    @Test
    void aMisconfiguredOriginFailsAtStart() {
        assertThrows(IllegalArgumentException.class, () -> RedirectOrigins.of(List.of("app.example.com")));
        assertTrue(RedirectOrigins.of(List.of()).isEmpty());
    }
}
