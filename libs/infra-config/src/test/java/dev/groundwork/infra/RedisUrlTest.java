package dev.groundwork.infra;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedisUrlTest {

    @Test
    void acceptsPlainAndTlsUrls() {
        RedisUrl plain = RedisUrl.parse("redis://127.0.0.1:6379");
        assertFalse(plain.tls());
        assertEquals(6379, plain.port());
        RedisUrl tls = RedisUrl.parse("rediss://default:pw@cache.example.com:6380/0");
        assertTrue(tls.tls());
        assertEquals("cache.example.com", tls.host());
        assertEquals(6380, tls.port());
    }

    @Test
    void withDatabaseKeepsCredentialsAndReplacesTheIndex() {
        assertEquals("rediss://default:pw@h:6380/7", RedisUrl.parse("rediss://default:pw@h:6380/0").withDatabase(7).url());
        assertEquals("redis://h/3", RedisUrl.parse("redis://h").withDatabase(3).url());
    }

    @Test
    void otherSchemesAreRefusedWithoutShowingThePassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisUrl.parse("http://:hunter2@h:6379"));
        assertTrue(e.getMessage().contains("redis://"));
        assertFalse(e.getMessage().contains("hunter2"));
        assertFalse(RedisUrl.parse("redis://:hunter2@h").toString().contains("hunter2"));
    }
}
