package dev.groundwork.cache;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.groundwork.entrycache.EntryCache;
import dev.groundwork.entrycache.EntryPolicy;
import dev.groundwork.events.EventCodec;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The entries API over HTTP, on the real Redis: access, HTTP caching headers, leases, stale-while-revalidate, invalidation, events. */
@QuarkusTest
class EntriesApiTest {

    private static final String PAGES = "/cache/v1/namespaces/pages";
    private static final String PAGES_TOKEN = AuthStub.serviceToken("cache:pages");

    @Inject
    Redis redis;
    @Inject
    io.vertx.core.Vertx vertx;
    @TestHTTPResource("/")
    URI base;

    private static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    private static String key() {
        return "k-" + UUID.randomUUID();
    }

    @Test
    void onlyTheNamespacesScopeAdminsAndAllowedUsersGetIn() {
        String key = key();
        given().get(PAGES + "/entries/" + key).then().statusCode(401).contentType(containsString("application/problem+json"));
        as(AuthStub.serviceToken("cache:other")).get(PAGES + "/entries/" + key).then().statusCode(403)
                .contentType(containsString("application/problem+json")).body("detail", containsString("cache:pages"));
        as(AuthStub.userToken()).get(PAGES + "/entries/" + key).then().statusCode(403);
        // A namespace token of the Upstash API is not a token of auth-service.
        as(AuthStub.ALPHA_RW).get("/cache/v1/namespaces/alpha/entries/" + key).then().statusCode(401);
        as(PAGES_TOKEN).body("v").put(PAGES + "/entries/" + key).then().statusCode(204);
        as(AuthStub.adminToken()).get(PAGES + "/entries/" + key).then().statusCode(200).body(equalTo("v"));
        as(AuthStub.adminToken()).get("/cache/v1/namespaces/no-such/entries/" + key).then().statusCode(404);
        as(AuthStub.userToken()).get("/cache/v1/namespaces/no-such/entries/" + key).then().statusCode(403);

        // Users: read where the namespace says read, write where it says read-write.
        String usersRead = "/cache/v1/namespaces/users-read/entries/" + key;
        as(AuthStub.serviceToken("cache:users-read")).body("shared").put(usersRead).then().statusCode(204);
        as(AuthStub.userToken()).get(usersRead).then().statusCode(200).body(equalTo("shared"));
        as(AuthStub.userToken()).body("mine").put(usersRead).then().statusCode(403)
                .body("detail", containsString("may read namespace users-read but not write"));
        as(AuthStub.userToken()).body("mine").put("/cache/v1/namespaces/users-write/entries/" + key).then().statusCode(204);
    }

    @Test
    void policiesArePublishedForTheServicesThatCacheOnRedis() {
        // What the gateway reads (libs/entry-cache): namespace pages' policy from AuthStub's declaration.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            EntryPolicy policy = new EntryCache(vertx, redis.getDelegate(), "pages").policy().toCompletionStage().toCompletableFuture().get();
            assertEquals(new EntryPolicy(Duration.ofDays(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), 1_048_576), policy);
        });
    }

    @Test
    void aTokenOfAnEndedSessionIsRefused() {
        String session = UUID.randomUUID().toString();
        String token = AuthStub.userToken(session);
        String path = "/cache/v1/namespaces/users-write/entries/" + key();
        as(token).body("x").put(path).then().statusCode(204);
        // What auth-service writes when the session ends (libs/sessions).
        redis.send(Request.cmd(Command.SET).arg("auth:ended-session:" + session).arg("1").arg("EX").arg(60)).await().indefinitely();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> as(token).get(path).then().statusCode(401));
    }

    @Test
    void aRememberedTokenIsRefusedOnceItExpires() throws InterruptedException {
        // libs/sessions remembers verified tokens (no second signature check), never past their exp.
        String token = AuthStub.shortLivedServiceToken(3, "cache:pages");
        String path = PAGES + "/entries/" + key();
        as(token).body("x").put(path).then().statusCode(204);
        as(token).get(path).then().statusCode(200);
        Thread.sleep(3_500);
        as(token).get(path).then().statusCode(401);
    }

    @Test
    void anEntryAnswersWithHttpCachingHeaders() {
        String key = "page/" + key();
        as(PAGES_TOKEN).contentType("application/json").header("Cache-Control", "max-age=120").header("Cache-Tag", "page, user:7")
                .body("{\"title\":\"home\"}").put(PAGES + "/entries/" + key)
                .then().statusCode(204).header("ETag", notNullValue());

        Response hit = as(PAGES_TOKEN).get(PAGES + "/entries/" + key);
        hit.then().statusCode(200).contentType("application/json").body("title", equalTo("home"))
                .header("Age", "0").header("Cache-Status", matchesPattern("groundwork-cache; hit; ttl=1[12][0-9]"))
                .header("Cache-Tag", "page,user:7").header("Cache-Lease", nullValue());
        String etag = hit.header("ETag");
        as(PAGES_TOKEN).header("If-None-Match", etag).get(PAGES + "/entries/" + key)
                .then().statusCode(304).header("ETag", etag).body(emptyOrNullString());
        as(PAGES_TOKEN).header("If-None-Match", "\"other\"").get(PAGES + "/entries/" + key).then().statusCode(200);
        as(PAGES_TOKEN).head(PAGES + "/entries/" + key).then().statusCode(200).header("ETag", etag);

        as(PAGES_TOKEN).delete(PAGES + "/entries/" + key).then().statusCode(204);
        as(PAGES_TOKEN).header("Cache-Control", "only-if-cached").get(PAGES + "/entries/" + key).then().statusCode(404)
                .contentType(containsString("application/problem+json")).header("Cache-Status", "groundwork-cache; fwd=miss")
                .header("Cache-Lease", nullValue());
    }

    @Test
    void aFillWithAVoidedLeaseIsRefused() {
        String key = key();
        String lease = as(PAGES_TOKEN).get(PAGES + "/entries/" + key).then().statusCode(404)
                .header("Cache-Lease", notNullValue()).extract().header("Cache-Lease");
        // The origin changes meanwhile; its writer invalidates the user's tag.
        as(PAGES_TOKEN).contentType(ContentType.JSON).body(Map.of("tags", List.of("user:42")))
                .post(PAGES + "/invalidations").then().statusCode(200);
        as(PAGES_TOKEN).header("Cache-Lease", lease).header("Cache-Tag", "user:42").body("old").put(PAGES + "/entries/" + key)
                .then().statusCode(409).contentType(containsString("application/problem+json")).body("title", equalTo("Lease voided"));
        as(PAGES_TOKEN).header("Cache-Control", "only-if-cached").get(PAGES + "/entries/" + key).then().statusCode(404);
    }

    @Test
    void twoHundredConcurrentMissesCauseOneFill() throws Exception {
        String key = key();
        HttpClient http = HttpClient.newBuilder().executor(java.util.concurrent.Executors.newFixedThreadPool(8)).build();
        AtomicInteger fills = new AtomicInteger();
        List<CompletableFuture<String>> readers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            HttpRequest get = HttpRequest.newBuilder(base.resolve(PAGES.substring(1) + "/entries/" + key))
                    .header("Authorization", "Bearer " + PAGES_TOKEN).build();
            readers.add(http.sendAsync(get, HttpResponse.BodyHandlers.ofString()).thenCompose(answer -> {
                String lease = answer.headers().firstValue("Cache-Lease").orElse(null);
                if (answer.statusCode() == 200) {
                    return CompletableFuture.completedFuture(answer.body());
                }
                if (lease == null) {
                    return CompletableFuture.completedFuture("miss without a lease: " + answer.statusCode());
                }
                fills.incrementAndGet();
                HttpRequest fill = HttpRequest.newBuilder(base.resolve(PAGES.substring(1) + "/entries/" + key))
                        .header("Authorization", "Bearer " + PAGES_TOKEN).header("Cache-Lease", lease)
                        .PUT(HttpRequest.BodyPublishers.ofString("origin")).build();
                return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(300, java.util.concurrent.TimeUnit.MILLISECONDS))
                        .thenCompose(v -> http.sendAsync(fill, HttpResponse.BodyHandlers.ofString()))
                        .thenApply(filled -> filled.statusCode() == 204 ? "origin" : "fill refused: " + filled.statusCode());
            }));
        }
        CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new)).get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(1, fills.get(), "exactly one reader got the lease and went to the origin");
        for (CompletableFuture<String> reader : readers) {
            assertEquals("origin", reader.get());
        }
    }

    @Test
    void aStaleValueIsServedInsideTheWindowAndNeverAfter() throws InterruptedException {
        String key = key();
        as(PAGES_TOKEN).header("Cache-Control", "max-age=1").body("v1").put(PAGES + "/entries/" + key).then().statusCode(204);
        Thread.sleep(1_300);
        as(PAGES_TOKEN).get(PAGES + "/entries/" + key).then().statusCode(200).body(equalTo("v1"))
                .header("Cache-Status", matchesPattern("groundwork-cache; hit; ttl=-[0-9]+")).header("Cache-Lease", notNullValue());
        // The lease is taken: the next reader gets the stale value at once, without one.
        as(PAGES_TOKEN).get(PAGES + "/entries/" + key).then().statusCode(200).body(equalTo("v1")).header("Cache-Lease", nullValue());
        Thread.sleep(2_000);
        as(PAGES_TOKEN).header("Cache-Control", "only-if-cached").get(PAGES + "/entries/" + key).then().statusCode(404);
    }

    @Test
    void batchReadsAndInvalidationByPrefixAndTag() {
        String run = key();
        as(PAGES_TOKEN).body("text").put(PAGES + "/entries/" + run + "/a").then().statusCode(204);
        as(PAGES_TOKEN).contentType("application/octet-stream").body(new byte[]{(byte) 0xff, 0, 1}).header("Cache-Tag", "bin-" + run)
                .put(PAGES + "/entries/" + run + "/b").then().statusCode(204);
        as(PAGES_TOKEN).contentType(ContentType.JSON).body(Map.of("keys", List.of(run + "/a", run + "/b", run + "/c")))
                .post(PAGES + "/batch-get").then().statusCode(200)
                .body("entries[0].status", equalTo("hit")).body("entries[0].value", equalTo("text")).body("entries[0].encoding", equalTo("utf-8"))
                .body("entries[1].value", equalTo("/wAB")).body("entries[1].encoding", equalTo("base64"))
                .body("entries[1].tags[0]", equalTo("bin-" + run)).body("entries[2].status", equalTo("miss"));

        as(PAGES_TOKEN).contentType(ContentType.JSON).body(Map.of("tags", List.of("bin-" + run)))
                .post(PAGES + "/invalidations").then().statusCode(200).body("deleted", equalTo(1));
        as(PAGES_TOKEN).contentType(ContentType.JSON).body(Map.of("prefix", run + "/"))
                .post(PAGES + "/invalidations").then().statusCode(200).body("deleted", equalTo(1));
        as(PAGES_TOKEN).contentType(ContentType.JSON).body(Map.of("keys", List.of(run + "/a", run + "/b")))
                .post(PAGES + "/batch-get").then().statusCode(200).body("entries.status", equalTo(List.of("miss", "miss")));
    }

    @Test
    void theNamespacesRequestsPerSecondBoundTheEntriesApiToo() throws Exception {
        // Namespace tight allows 30 requests a second (AuthStub), for its Upstash API and its entries alike. Sent
        // concurrently, so that even a slow machine sends well over 30 within one second's window.
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        List<java.util.concurrent.Future<Response>> answers = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            answers.add(pool.submit(() -> as(AuthStub.adminToken()).header("Cache-Control", "only-if-cached")
                    .get("/cache/v1/namespaces/tight/entries/k")));
        }
        int refused = 0;
        for (var future : answers) {
            Response answer = future.get();
            if (answer.statusCode() == 429) {
                refused++;
                assertEquals("application/problem+json", answer.contentType());
            }
        }
        pool.shutdown();
        assertTrue(refused > 0, "tight allows 30 requests per second; 120 sent at once were all served");
    }

    @Test
    void badInputIsAProblemAndChangesNothing() {
        String key = key();
        as(PAGES_TOKEN).header("Cache-Tag", "has space").body("x").put(PAGES + "/entries/" + key).then().statusCode(400)
                .contentType(containsString("application/problem+json")).body("detail", containsString("tag"));
        as(PAGES_TOKEN).header("Cache-Control", "max-age=soon").body("x").put(PAGES + "/entries/" + key).then().statusCode(400)
                .body("detail", containsString("max-age"));
        as(PAGES_TOKEN).body("x".repeat(1_048_577)).put(PAGES + "/entries/" + key).then().statusCode(413);
        as(PAGES_TOKEN).body("x").put(PAGES + "/entries/" + "k".repeat(1025)).then().statusCode(400);
        as(PAGES_TOKEN).contentType(ContentType.JSON).body(Map.of()).post(PAGES + "/invalidations").then().statusCode(400);
        as(PAGES_TOKEN).contentType(ContentType.JSON).body("{\"keys\":").post(PAGES + "/batch-get").then().statusCode(400);
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i <= 100; i++) {
            tooMany.add("k" + i);
        }
        as(PAGES_TOKEN).contentType(ContentType.JSON).body(Map.of("keys", tooMany)).post(PAGES + "/batch-get").then().statusCode(400);
        as(PAGES_TOKEN).header("Cache-Control", "only-if-cached").get(PAGES + "/entries/" + key).then().statusCode(404);
    }

    @Test
    void aBillingEventInvalidatesTheUsersTag() {
        String userId = UUID.randomUUID().toString();
        String key = "plan/" + userId;
        as(PAGES_TOKEN).header("Cache-Tag", "user:" + userId).body("free").put(PAGES + "/entries/" + key).then().statusCode(204);
        as(PAGES_TOKEN).body("kept").put(PAGES + "/entries/other-" + userId).then().statusCode(204);

        String event = EventCodec.encode(UUID.randomUUID().toString(), "billing", "dev.groundwork.billing.subscription.changed.v1", userId,
                JsonNodeFactory.instance.objectNode().put("userId", userId).put("plan", "pro").put("status", "active"), EventCodec.Trace.NONE);
        redis.send(Request.cmd(Command.XADD).arg("events:billing").arg("*").arg(EventCodec.FIELD).arg(event)).await().indefinitely();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                as(PAGES_TOKEN).header("Cache-Control", "only-if-cached").get(PAGES + "/entries/" + key).then().statusCode(404));
        as(PAGES_TOKEN).get(PAGES + "/entries/other-" + userId).then().statusCode(200).body(equalTo("kept"));

        // An identity event names the user as its subject.
        as(PAGES_TOKEN).header("Cache-Tag", "user:" + userId).body("profile").put(PAGES + "/entries/" + key).then().statusCode(204);
        String deleted = EventCodec.encode(UUID.randomUUID().toString(), "identity", "dev.groundwork.identity.user.deleted.v1", userId,
                JsonNodeFactory.instance.objectNode().put("userId", userId), EventCodec.Trace.NONE);
        redis.send(Request.cmd(Command.XADD).arg("events:identity").arg("*").arg(EventCodec.FIELD).arg(deleted)).await().indefinitely();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                as(PAGES_TOKEN).header("Cache-Control", "only-if-cached").get(PAGES + "/entries/" + key).then().statusCode(404));
    }
}
