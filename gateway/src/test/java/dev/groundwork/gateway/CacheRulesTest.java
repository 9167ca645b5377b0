package dev.groundwork.gateway;

import dev.groundwork.gateway.service.CacheRules;
import dev.groundwork.gateway.service.RouteTable;
import dev.groundwork.gateway.service.StoredAnswer;
import dev.groundwork.http.CachingHeaders;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 9111's rules one at a time, and the stored form of an answer. */
class CacheRulesTest {

    private static final RouteTable.Caching SHARED = new RouteTable.Caching(true, Duration.ofSeconds(60), Duration.ofSeconds(600),
            Duration.ofSeconds(5), false, 1024);
    private static final RouteTable.Caching PER_USER = new RouteTable.Caching(true, Duration.ofSeconds(60), Duration.ofSeconds(600),
            Duration.ZERO, true, 1024);

    @Test
    void freshnessComesFromSMaxageThenMaxAgeThenExpiresThenTheRouteCappedAndLessTheAnswersAge() {
        assertEquals(Duration.ofSeconds(30), fresh(headers("Cache-Control", "max-age=10, s-maxage=30")));
        assertEquals(Duration.ofSeconds(10), fresh(headers("Cache-Control", "public, max-age=10")));
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        assertEquals(Duration.ofSeconds(120), fresh(headers("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(now),
                "Expires", DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(120)))));
        assertEquals(Duration.ofSeconds(60), fresh(headers()));
        assertEquals(Duration.ofSeconds(600), fresh(headers("Cache-Control", "max-age=86400")), "capped at max-ttl");
        assertEquals(Duration.ofSeconds(40), fresh(headers("Cache-Control", "max-age=100", "Age", "60")));
        assertEquals(CacheRules.STALE_AT_ONCE, refusal(200, headers("Cache-Control", "max-age=0")));
        assertEquals(CacheRules.STALE_AT_ONCE, refusal(200, headers("Cache-Control", "max-age=ten")), "invalid means stale");
        assertEquals(CacheRules.STALE_AT_ONCE, refusal(200, headers("Expires", "0")));
    }

    @Test
    void theStaleWindowIsTheAnswersOrTheRoutesAndNoneWhenTheAnswerMustBeRevalidated() {
        assertEquals(Duration.ofSeconds(5), stale(headers("Cache-Control", "max-age=10")));
        assertEquals(Duration.ofSeconds(30), stale(headers("Cache-Control", "max-age=10, stale-while-revalidate=30")));
        assertEquals(Duration.ZERO, stale(headers("Cache-Control", "max-age=10, must-revalidate")));
        assertEquals(Duration.ZERO, stale(headers("Cache-Control", "s-maxage=10, stale-while-revalidate=30")));
    }

    @Test
    void whatASharedCacheMustNotStore() {
        assertEquals(CacheRules.NO_STORE, refusal(200, headers("Cache-Control", "max-age=60, no-store")));
        assertEquals(CacheRules.NO_CACHE, refusal(200, headers("Cache-Control", "no-cache=\"Set-Cookie\", max-age=60")));
        assertEquals(CacheRules.PRIVATE, refusal(200, headers("Cache-Control", "private, max-age=60")));
        assertTrue(CacheRules.storability(200, headers("Cache-Control", "private, max-age=60"), PER_USER).storable(), "per user it is the caller's own");
        assertEquals(CacheRules.SET_COOKIE, refusal(200, headers("Set-Cookie", "sid=1")));
        assertEquals(CacheRules.VARY_ANY, refusal(200, headers("Vary", "Accept, *")));
        assertEquals(CacheRules.NOT_STORABLE_STATUS, refusal(206, headers()));
        assertEquals(CacheRules.NOT_STORABLE_STATUS, refusal(302, headers("Cache-Control", "max-age=60")));
        assertEquals(CacheRules.NOT_STORABLE_STATUS, refusal(500, headers()));
        assertTrue(CacheRules.storability(404, headers(), SHARED).storable());
    }

    @Test
    void whatARequestAllows() {
        assertEquals(CacheRules.Use.LOOKUP, CacheRules.requestUse(headers(), false).use());
        assertEquals(CacheRules.Use.BYPASS, CacheRules.requestUse(headers("Authorization", "Bearer x"), false).use());
        assertEquals(CacheRules.Use.LOOKUP, CacheRules.requestUse(headers("Authorization", "Bearer x"), true).use());
        assertEquals(CacheRules.Use.BYPASS, CacheRules.requestUse(headers("Range", "bytes=0-1"), false).use());
        assertEquals(CacheRules.Use.BYPASS, CacheRules.requestUse(headers("Cache-Control", "no-store"), false).use());
        assertEquals(CacheRules.Use.REFRESH, CacheRules.requestUse(headers("Cache-Control", "no-cache"), false).use());
        assertEquals(CacheRules.Use.REFRESH, CacheRules.requestUse(headers("Cache-Control", "max-age=0"), false).use());
        assertEquals(CacheRules.Use.REFRESH, CacheRules.requestUse(headers("Pragma", "no-cache"), false).use());
    }

    @Test
    void variantsAreToldApartByTheVariedHeadersNormalised() {
        List<String> names = CacheRules.varyNames(headers("Vary", "Accept-Language, accept-encoding", "Vary", "Accept-Language"));
        assertEquals(List.of("accept-encoding", "accept-language"), names);
        assertEquals(CacheRules.varyValues(names, headers("Accept-Language", "en,  de", "Accept-Encoding", "gzip")),
                CacheRules.varyValues(names, headers("Accept-Encoding", "gzip", "Accept-Language", "en , de")));
        assertFalse(CacheRules.varyValues(names, headers("Accept-Language", "en")).equals(CacheRules.varyValues(names, headers("Accept-Language", "de"))));
        assertFalse(CacheRules.varyValues(names, headers()).equals(CacheRules.varyValues(names, headers("Accept-Language", ""))));
    }

    @Test
    void ifNoneMatchComparesWeakly() {
        assertTrue(CachingHeaders.noneMatchHits("\"a\", W/\"b\"", "\"b\""));
        assertTrue(CachingHeaders.noneMatchHits("*", "\"b\""));
        assertFalse(CachingHeaders.noneMatchHits("\"a\"", "\"b\""));
        assertFalse(CachingHeaders.noneMatchHits("\"a\"", null));
    }

    @Test
    void aStoredAnswerIsItsHttpMessageAndComesBackWhole() {
        byte[] body = {0, 1, 2, '\r', '\n', '\r', '\n', (byte) 0xff};
        MultiMap service = headers("Content-Type", "application/octet-stream", "Link", "<a>; rel=x", "Link", "<b>; rel=y",
                "Set-Cookie", "sid=1", "X-Request-Id", "r1", "Content-Length", "8", "X-Note", "caf\u00e9");
        byte[] message = StoredAnswer.of(203, service, Buffer.buffer(body)).encode(7);
        assertTrue(new String(message, java.nio.charset.StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 203 Non-Authoritative Information\r\n"));
        StoredAnswer back = StoredAnswer.decode(message);
        assertEquals(203, back.status());
        assertEquals(7, back.initialAge());
        assertEquals(Buffer.buffer(body), back.body());
        MultiMap replayed = back.replayedHeaders();
        assertEquals(List.of("<a>; rel=x", "<b>; rel=y"), replayed.getAll("Link"));
        assertEquals("caf\u00e9", replayed.get("X-Note"));
        for (String dropped : List.of("Set-Cookie", "X-Request-Id", "Content-Length", "Age")) {
            assertFalse(replayed.contains(dropped), dropped);
        }
    }

    private static Duration fresh(MultiMap headers) {
        CacheRules.Storability storability = CacheRules.storability(200, headers, SHARED);
        assertTrue(storability.storable(), storability.refusal());
        return storability.lifetime().fresh();
    }

    private static Duration stale(MultiMap headers) {
        return CacheRules.storability(200, headers, SHARED).lifetime().stale();
    }

    private static String refusal(int status, MultiMap headers) {
        return CacheRules.storability(status, headers, SHARED).refusal();
    }

    private static MultiMap headers(String... namesAndValues) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }
}
