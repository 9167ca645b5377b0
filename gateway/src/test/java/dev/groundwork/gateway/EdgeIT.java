package dev.groundwork.gateway;

import dev.groundwork.testsupport.ManagementInterface;
import dev.groundwork.testsupport.RandomManagementPort;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged gateway (the native executable in CI's native job) in front of the real auth-service: a user signs up
 * and in through the public routes, reaches a user route with the token (checked at the edge, then remembered in the
 * Caffeine cache of verified tokens), is refused on an admin route that a service account's token opens, and after
 * signing out is refused at the edge (libs/sessions' Caffeine cache of ended sessions). Each answer is the upstream's
 * own body or the edge's refusal, checked by content.
 */
@QuarkusIntegrationTest
@WithTestResource(RandomManagementPort.class)
@QuarkusTestResource(value = AuthServiceForTokens.class, restrictToAnnotatedClass = true)
class EdgeIT {

    private static final Pattern TOKEN_CACHE_HITS =
            Pattern.compile("cache_gets_total\\{cache=\"gateway.verified.tokens\",result=\"hit\"[^}]*} ([0-9.E]+)");

    @Test
    void aUserGoesThroughTheEdgeUntilTheySignOut() {
        String email = "edge-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String userId = given().contentType("application/json").body(Map.of("email", email, "password", "correct-horse-9"))
                .post("/auth/v1/signup").then().statusCode(200).extract().path("user.id");
        String token = given().contentType("application/json").body(Map.of("email", email, "password", "correct-horse-9"))
                .post("/auth/v1/token?grant_type=password").then().statusCode(200).extract().path("access_token");

        // A user route: the edge checks the token, strips the prefix, and auth-service answers with the user.
        double hitsBefore = tokenCacheHits();
        for (int i = 0; i < 2; i++) {
            given().auth().oauth2(token).get("/guarded/auth/v1/user").then().statusCode(200)
                    .body("id", equalTo(userId)).body("email", equalTo(email));
        }
        assertTrue(tokenCacheHits() > hitsBefore, "the second request found the verified token in the cache");
        given().get("/guarded/auth/v1/user").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer realm=\"groundwork\"");
        given().auth().oauth2(altered(token)).get("/guarded/auth/v1/user").then().statusCode(401)
                .header("WWW-Authenticate", containsString("invalid_token"));

        // An admin route: not for a user; a service account with the admin scope gets through.
        given().auth().oauth2(token).get("/ops/auth/v1/health").then().statusCode(403).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("insufficient_scope"));
        String service = given().auth().preemptive().basic("ops", "ops-secret").formParam("grant_type", "client_credentials")
                .post("/oauth/token").then().statusCode(200).extract().path("access_token");
        given().auth().oauth2(service).get("/ops/auth/v1/health").then().statusCode(200);

        // Signed out: the token, still validly signed and in the cache of verified tokens, is refused at the edge.
        given().auth().oauth2(token).post("/auth/v1/logout?scope=global").then().statusCode(204);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().auth().oauth2(token).get("/guarded/auth/v1/user")
                .then().statusCode(401).header("WWW-Authenticate", containsString("invalid_token")));
    }

    private static double tokenCacheHits() {
        var found = TOKEN_CACHE_HITS.matcher(ManagementInterface.given(RandomManagementPort.port()).get("/q/metrics").then().statusCode(200).extract().asString());
        return found.find() ? Double.parseDouble(found.group(1)) : 0;
    }

    /** The same token with one bit of its signature flipped. */
    private static String altered(String token) {
        String[] parts = token.split("\\.");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[5] ^= 0x01;
        return parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }
}
