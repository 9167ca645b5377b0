package dev.groundwork.gateway;

import dev.groundwork.entrycache.EntryCache;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The response cache in front of the real auth-service: a per-user route keeps each verified caller's answers apart,
 * and the built-in JWKS and discovery routes are answered from the cache.
 */
@QuarkusTest
@WithTestResource(value = AuthServiceForTokens.class, scope = TestResourceScope.MATCHING_RESOURCES)
class AuthenticatedResponseCacheTest {

    private static final String HIT = "groundwork-gateway; hit; ttl=\\d+(; collapsed)?";

    @Inject
    Vertx vertx;
    @Inject
    Redis redis;

    @Test
    void aPerUserRouteKeepsEachCallersAnswersApart() {
        String alice = tokenOf("alice.cache@example.com");
        String bob = tokenOf("bob.cache@example.com");
        given().auth().oauth2(alice).get("/mine/auth/v1/user").then().statusCode(200)
                .header("Cache-Status", "groundwork-gateway; fwd=uri-miss; stored").body("email", equalTo("alice.cache@example.com"));
        given().auth().oauth2(alice).get("/mine/auth/v1/user").then().statusCode(200)
                .header("Cache-Status", matchesPattern(HIT)).body("email", equalTo("alice.cache@example.com"));
        given().auth().oauth2(bob).get("/mine/auth/v1/user").then().statusCode(200)
                .header("Cache-Status", "groundwork-gateway; fwd=uri-miss; stored").body("email", equalTo("bob.cache@example.com"));
        given().auth().oauth2(bob).get("/mine/auth/v1/user").then().statusCode(200)
                .header("Cache-Status", matchesPattern(HIT)).body("email", equalTo("bob.cache@example.com"));
        // No token, no cached answer: the edge refuses before the cache is looked at.
        given().get("/mine/auth/v1/user").then().statusCode(401);
    }

    @Test
    void theJwksAndDiscoveryRoutesAreAnsweredFromTheCache() {
        // Purged first, as an operator would after a key rollout: the module's Redis may hold the last test's keys.
        assertTrue(new EntryCache(vertx, redis, "gateway").invalidateTag("route:jwks").toCompletionStage().toCompletableFuture().join() >= 0);
        Response first = given().get("/.well-known/jwks.json");
        assertEquals(200, first.statusCode());
        assertEquals("groundwork-gateway; fwd=uri-miss; stored", first.header("Cache-Status"));
        assertTrue(first.header("Cache-Control").contains("max-age=600"), first.header("Cache-Control"));
        given().get("/.well-known/jwks.json").then().statusCode(200).header("Cache-Status", matchesPattern(HIT))
                .header("Cache-Control", first.header("Cache-Control")).body(equalTo(first.asString()));
        given().get("/.well-known/openid-configuration").then().statusCode(200);
        given().get("/.well-known/openid-configuration").then().statusCode(200).header("Cache-Status", matchesPattern(HIT))
                .body("issuer", equalTo(AuthServiceForTokens.ISSUER_BASE + "/auth/v1"));
    }

    private static String tokenOf(String email) {
        String auth = AuthServiceForTokens.auth.url().toString();
        Map<String, String> credentials = Map.of("email", email, "password", "correct-horse-9");
        given().baseUri(auth).contentType("application/json").body(credentials).post("/auth/v1/signup").then().statusCode(200);
        return given().baseUri(auth).contentType("application/json").body(credentials).post("/auth/v1/token?grant_type=password")
                .then().statusCode(200).extract().path("access_token");
    }
}
