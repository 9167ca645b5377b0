package dev.groundwork.gateway;

import dev.groundwork.entrycache.EntryCache;
import dev.groundwork.entrycache.EntryPolicy;
import dev.groundwork.testsupport.ManagementInterface;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The response cache of a cacheable route ({@code /cached}, see EchoUpstream), through the real proxy, to a real
 * service that counts its calls, on the module's real Redis. Each test has paths of its own.
 */
@QuarkusTest
@WithTestResource(value = EchoUpstream.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ResponseCacheTest {

    private static final String HIT = "groundwork-gateway; hit; ttl=\\d+(; collapsed)?";

    @Inject
    Vertx vertx;
    @Inject
    Redis redis;
    @TestHTTPResource("/")
    URL gateway;

    @Test
    void aPublicAnswerIsServedFromTheCacheWithoutCallingTheServiceAgain() {
        String path = path("public");
        given().get("/cached" + path + "?cc=public,max-age=60").then().statusCode(200)
                .header("Cache-Status", "groundwork-gateway; fwd=uri-miss; stored").body("call", equalTo(1));
        for (int i = 0; i < 3; i++) {
            given().get("/cached" + path + "?cc=public,max-age=60").then().statusCode(200)
                    .header("Cache-Status", matchesPattern(HIT)).header("Age", matchesPattern("\\d+"))
                    .header("Content-Type", "application/json").header("X-Request-Id", matchesPattern(".+"))
                    .body("call", equalTo(1));
        }
        assertEquals(1, calls(path));
        String metrics = ManagementInterface.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.matches("(?s).*gateway_cache_requests_total\\{result=\"hit\",route=\"cached\"} [1-9].*"),
                metrics.lines().filter(l -> l.contains("gateway_cache")).toList().toString());
    }

    @Test
    void anAuthenticatedRequestIsNeverAnsweredFromNorStoredInASharedRoutesCache() {
        String path = path("authorized");
        String query = "?cc=public,max-age=60";
        given().header("Authorization", "Bearer someone").get("/cached" + path + query).then().statusCode(200)
                .header("Cache-Status", "groundwork-gateway; fwd=bypass; detail=authorization").body("call", equalTo(1));
        // Not stored: the next anonymous request goes to the service, and its answer is stored.
        given().get("/cached" + path + query).then().header("Cache-Status", "groundwork-gateway; fwd=uri-miss; stored").body("call", equalTo(2));
        given().get("/cached" + path + query).then().header("Cache-Status", matchesPattern(HIT)).body("call", equalTo(2));
        // Not served from it either.
        given().header("Authorization", "Bearer someone").get("/cached" + path + query).then()
                .header("Cache-Status", "groundwork-gateway; fwd=bypass; detail=authorization").body("call", equalTo(3));
    }

    @Test
    void noStorePrivateAndSetCookieAnswersAreNeverStored() {
        for (String[] answer : new String[][]{{"cc=no-store", "no-store"}, {"cc=private,max-age=60", "private"},
                {"cc=max-age=60&cookie=sid%3D1", "set-cookie"}, {"cc=no-cache", "no-cache"}}) {
            String path = path(answer[1]);
            given().get("/cached" + path + "?" + answer[0]).then().statusCode(200)
                    .header("Cache-Status", "groundwork-gateway; fwd=uri-miss; detail=" + answer[1]).body("call", equalTo(1));
            // The marker left sends the next requests straight to the service, without waiting on each other.
            given().get("/cached" + path + "?" + answer[0]).then().statusCode(200)
                    .header("Cache-Status", "groundwork-gateway; fwd=bypass; detail=uncacheable").body("call", equalTo(2));
        }
        // A request's own no-store keeps it away from the cache, even from a stored answer.
        String path = path("request-no-store");
        given().get("/cached" + path + "?cc=max-age=60").then().header("Cache-Status", "groundwork-gateway; fwd=uri-miss; stored");
        given().header("Cache-Control", "no-store").get("/cached" + path + "?cc=max-age=60").then()
                .header("Cache-Status", "groundwork-gateway; fwd=request; detail=no-store").body("call", equalTo(2));
    }

    @Test
    void varyKeepsTheVariantsOfAnAnswerApart() {
        String url = "/cached" + path("vary") + "?cc=max-age=60&vary=Accept-Language";
        given().header("Accept-Language", "en").get(url).then()
                .header("Cache-Status", "groundwork-gateway; fwd=uri-miss; stored").body("language", equalTo("en"));
        given().header("Accept-Language", "de").get(url).then()
                .header("Cache-Status", "groundwork-gateway; fwd=vary-miss; stored").body("language", equalTo("de"));
        given().header("Accept-Language", "en").get(url).then().header("Cache-Status", matchesPattern(HIT))
                .header("Vary", "Accept-Language").body("language", equalTo("en")).body("call", equalTo(1));
        given().header("Accept-Language", "de").get(url).then().header("Cache-Status", matchesPattern(HIT))
                .body("language", equalTo("de")).body("call", equalTo(2));
        // No Accept-Language at all is a variant of its own.
        given().get(url).then().header("Cache-Status", "groundwork-gateway; fwd=vary-miss; stored").body("language", equalTo(null));
    }

    @Test
    void anAnswerIsFreshForItsMaxAgeAndNoLonger() throws Exception {
        String path = path("max-age");
        String url = "/cached" + path + "?cc=max-age=1";
        given().get(url).then().header("Cache-Status", "groundwork-gateway; fwd=uri-miss; stored");
        given().get(url).then().header("Cache-Status", matchesPattern("groundwork-gateway; hit; ttl=[01](; collapsed)?")).body("call", equalTo(1));
        Thread.sleep(1_300);
        given().get(url).then().header("Cache-Status", "groundwork-gateway; fwd=uri-miss; stored").body("call", equalTo(2));
    }

    @Test
    void aHeadIsAnsweredFromAGetsEntryButNeverStored() {
        String path = path("head");
        String url = "/cached" + path + "?cc=max-age=60";
        given().head(url).then().statusCode(200).header("Cache-Status", "groundwork-gateway; fwd=uri-miss");
        given().head(url).then().statusCode(200).header("Cache-Status", "groundwork-gateway; fwd=uri-miss");
        assertEquals(2, calls(path), "a HEAD's answer is not stored");
        String body = given().get(url).then().header("Cache-Status", "groundwork-gateway; fwd=uri-miss; stored").extract().asString();
        Response head = given().head(url);
        assertEquals(200, head.statusCode());
        assertTrue(head.header("Cache-Status").matches(HIT), head.header("Cache-Status"));
        assertEquals(String.valueOf(body.length()), head.header("Content-Length"));
        assertEquals("", head.asString());
        assertEquals(3, calls(path));
    }

    @Test
    void aStoredEtagNamedInIfNoneMatchIsAnswered304() {
        String path = path("etag");
        String url = "/cached" + path + "?cc=max-age=60&etag=%22v1%22";
        // On a miss the service is asked for the whole answer (to store it), not for a 304 to the client's validator.
        given().urlEncodingEnabled(false).header("If-None-Match", "\"v1\"").get(url).then().statusCode(200)
                .header("ETag", "\"v1\"").body("ifNoneMatch", equalTo(null));
        Response notModified = given().urlEncodingEnabled(false).header("If-None-Match", "\"v0\", W/\"v1\"").get(url);
        assertEquals(304, notModified.statusCode());
        assertEquals("\"v1\"", notModified.header("ETag"));
        assertEquals("max-age=60", notModified.header("Cache-Control"));
        assertTrue(notModified.header("Cache-Status").matches(HIT), notModified.header("Cache-Status"));
        assertEquals("", notModified.asString());
        given().urlEncodingEnabled(false).header("If-None-Match", "\"v2\"").get(url).then().statusCode(200)
                .header("ETag", "\"v1\"").body("call", equalTo(1));
        assertEquals(1, calls(path));
    }

    @Test
    void fiftyConcurrentMissesOfAColdAnswerCallTheServiceOnce() throws Exception {
        String path = path("stampede");
        URI url = gateway.toURI().resolve("/cached" + path + "?cc=max-age=60&delay=300");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            answers.add(client.sendAsync(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString()));
        }
        int collapsed = 0;
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get(20, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.body().contains("\"call\":1"), response.body());
            collapsed += response.headers().firstValue("Cache-Status").orElse("").endsWith("; collapsed") ? 1 : 0;
        }
        assertEquals(1, calls(path), "one request went to the service, the others waited for its answer");
        assertTrue(collapsed > 0, "the others say they waited");
    }

    @Test
    void aStaleAnswerIsServedWhileOneRequestRefreshesIt() throws Exception {
        String path = path("stale");
        // Sent as it is written (rest-assured would encode the comma, and %2C is another URL, so another key).
        String url = "/cached" + path + "?cc=max-age=1,stale-while-revalidate=30&delay=500";
        given().urlEncodingEnabled(false).get(url).then().header("Cache-Status", "groundwork-gateway; fwd=uri-miss; stored");
        Thread.sleep(1_300);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            answers.add(client.sendAsync(HttpRequest.newBuilder(gateway.toURI().resolve(url)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        List<String> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            statuses.add(answer.get(20, TimeUnit.SECONDS).headers().firstValue("Cache-Status").orElse(""));
        }
        assertEquals(1, statuses.stream().filter("groundwork-gateway; fwd=stale; stored"::equals).count(), statuses.toString());
        assertEquals(4, statuses.stream().filter(s -> s.matches("groundwork-gateway; hit; ttl=-\\d+")).count(), statuses.toString());
        assertEquals(2, calls(path));
    }

    @Test
    void aChangeThroughTheRouteAndAnInvalidatedServiceTagRemoveStoredAnswers() {
        String path = path("tagged");
        String url = "/cached" + path + "?cc=max-age=60&tag=product-7,catalogue";
        Response first = given().get(url);
        assertEquals("groundwork-gateway; fwd=uri-miss; stored", first.header("Cache-Status"));
        assertNull(first.header("Cache-Tag"), "Cache-Tag is for the gateway, not the client");
        given().get(url).then().header("Cache-Status", matchesPattern(HIT));
        // What cache-service does for POST /cache/v1/namespaces/gateway/invalidations {"tags":["product-7"]}.
        EntryCache gatewayNamespace = new EntryCache(vertx, redis, "gateway");
        assertEquals(1L, gatewayNamespace.invalidateTag("product-7").toCompletionStage().toCompletableFuture().join());
        given().get(url).then().header("Cache-Status", "groundwork-gateway; fwd=uri-miss; stored").body("call", equalTo(2));
        given().get(url).then().header("Cache-Status", matchesPattern(HIT));

        // RFC 9111 §4.4: a successful unsafe request to the target removes its stored answers.
        given().contentType("application/json").body("{}").post(url).then().statusCode(200)
                .header("Cache-Status", "groundwork-gateway; fwd=method");
        given().get(url).then().header("Cache-Status", "groundwork-gateway; fwd=uri-miss; stored").body("call", equalTo(4));
    }

    @Test
    void theNamespacePolicyCacheServicePublishesCapsWhatTheRouteStores() {
        // What cache-service publishes for its namespace "gateway" (here a TTL cap of 30 min, below the route's 1 h).
        EntryCache gatewayNamespace = new EntryCache(vertx, redis, "gateway");
        EntryPolicy policy = new EntryPolicy(Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofSeconds(5), Duration.ofMillis(500), 1_048_576);
        gatewayNamespace.publishPolicy(policy, Duration.ofMinutes(2)).toCompletionStage().toCompletableFuture().join();
        try {
            // The gateway reads it within 5 s.
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                String url = "/cached" + path("capped") + "?cc=max-age=7200";
                given().get(url).then().header("Cache-Status", "groundwork-gateway; fwd=uri-miss; stored");
                String ttl = given().get(url).then().header("Cache-Status", matchesPattern(HIT)).extract().header("Cache-Status")
                        .replaceAll(".*ttl=(\\d+).*", "$1");
                assertTrue(Long.parseLong(ttl) <= 1800, "capped by the namespace's max TTL: " + ttl);
            });
        } finally {
            redis.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.DEL).arg("cache:gateway.p"))
                    .toCompletionStage().toCompletableFuture().join();
        }
    }

    @Test
    void aServiceErrorIsNotStoredAndLeavesNoMarker() {
        String path = path("error");
        given().get("/cached" + path + "?cc=max-age=60&status=500").then().statusCode(500)
                .header("Cache-Status", "groundwork-gateway; fwd=uri-miss; detail=status");
        // Its lease was given back: the next request takes it at once and asks the service itself (not "wait-timeout").
        given().get("/cached" + path + "?cc=max-age=60&status=500").then().statusCode(500)
                .header("Cache-Status", "groundwork-gateway; fwd=uri-miss; detail=status");
    }

    /** A path of this run and test only: the module's Redis outlives a test. */
    private static String path(String name) {
        return "/" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static int calls(String path) {
        AtomicInteger calls = EchoUpstream.ORIGIN_CALLS.get("/origin" + path);
        return calls == null ? 0 : calls.get();
    }
}
