package dev.groundwork.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.groundwork.events.Event;
import dev.groundwork.events.EventCodec;
import dev.groundwork.testsupport.RandomManagementPort;
import dev.groundwork.testsupport.RealInfrastructure;
import dev.groundwork.testsupport.RedisConnection;
import dev.groundwork.testsupport.TestServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.VerificationJwkSelector;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged service (the native executable in CI's native job) through what its users rely on: sign-up, sign-in
 * with a password, the user behind the token, the published keys that verify that token, {@code user.registered}
 * written to Redis and billing's {@code subscription.changed} read from it into the next token. Each step checks
 * values, so a record or JSON mapping the native image cannot reflect on shows as a wrong or missing field. No CDI
 * here: the app runs in its own process; Redis is read and written directly. Sign-up confirmation is off for this
 * class (no mailbox to read in the prod profile).
 */
@QuarkusIntegrationTest
@WithTestResource(RandomManagementPort.class)
@QuarkusTestResource(value = AccountJourneyIT.NoConfirmation.class, restrictToAnnotatedClass = true)
class AccountJourneyIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    public static class NoConfirmation implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("auth.email.confirm-signup", "false");
        }

        @Override
        public void stop() {
        }
    }

    @Test
    void aUserSignsUpSignsInAndTheirTokenCarriesWhatTheFleetSaid() throws Exception {
        String email = "native-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        JsonNode signedUp = AuthClient.JSON.readTree(AuthClient.signUp(email, AuthClient.PASSWORD).then().statusCode(200)
                .extract().asString());
        String userId = signedUp.has("user") ? signedUp.path("user").path("id").asText() : signedUp.path("id").asText();
        assertEquals(36, userId.length(), "a user id in " + signedUp);

        JsonNode session = AuthClient.JSON.readTree(AuthClient.signIn(email, AuthClient.PASSWORD).then().statusCode(200)
                .extract().asString());
        String accessToken = session.path("access_token").asText();
        assertEquals("bearer", session.path("token_type").asText());
        assertEquals(email, session.path("user").path("email").asText());
        assertTrue(session.path("refresh_token").asText().length() > 8, "a refresh token in " + session);

        // The user behind the token, as signed up.
        given().auth().oauth2(accessToken).get("/auth/v1/user").then().statusCode(200)
                .body("id", org.hamcrest.Matchers.equalTo(userId))
                .body("email", org.hamcrest.Matchers.equalTo(email))
                .body("user_metadata.name", org.hamcrest.Matchers.equalTo("Ada"));

        // The published keys verify the token, and it names the user.
        JsonWebKeySet keys = new JsonWebKeySet(given().get("/auth/v1/.well-known/jwks.json").then().statusCode(200)
                .extract().asString());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(accessToken);
        assertNotNull(new VerificationJwkSelector().select(jws, keys.getJsonWebKeys()), "a published key for kid " + jws.getKeyIdHeaderValue());
        jws.setKey(new VerificationJwkSelector().select(jws, keys.getJsonWebKeys()).getKey());
        assertTrue(jws.verifySignature(), "the token verifies with the published key");
        assertEquals(userId, AuthClient.JSON.readTree(jws.getPayload()).path("sub").asText());

        // user.registered reached the stream, with the fields payment-service reads.
        Event registered = await("user.registered on events:identity").atMost(PATIENCE).until(() -> identityEvents().stream()
                .filter(e -> e.subject().equals(userId) && e.type().equals("dev.groundwork.identity.user.registered.v1"))
                .findFirst(), java.util.Optional::isPresent).orElseThrow();
        assertEquals(userId, registered.data().path("userId").asText());
        assertEquals(email, registered.data().path("email").asText());

        // Billing says the user is on plan pro: the next token says so.
        redis("XADD", "events:billing", "*", EventCodec.FIELD, EventCodec.encode(UUID.randomUUID().toString(), "billing",
                "dev.groundwork.billing.subscription.changed.v1", userId, JsonNodeFactory.instance.objectNode()
                        .put("userId", userId).put("subscriptionId", "sub_native").put("plan", "pro").put("status", "active")
                        .put("currentPeriodEnd", "2027-01-01T00:00:00Z").put("cancelAtPeriodEnd", false),
                EventCodec.Trace.NONE));
        String refreshToken = session.path("refresh_token").asText();
        String[] refreshed = {refreshToken};
        JsonNode planned = await("plan pro in a refreshed token").atMost(PATIENCE).until(() -> {
            JsonNode next = AuthClient.JSON.readTree(AuthClient.refresh(refreshed[0]).then().statusCode(200).extract().asString());
            refreshed[0] = next.path("refresh_token").asText();
            String plan = AuthClient.jwtPart(next.path("access_token").asText(), 1).path("app_metadata").path("plan").asText();
            return "pro".equals(plan) ? next : null;
        }, java.util.Objects::nonNull);
        given().auth().oauth2(planned.path("access_token").asText()).get("/auth/v1/user").then().statusCode(200)
                .body("app_metadata.plan", org.hamcrest.Matchers.equalTo("pro"));
    }

    /** The events on {@code events:identity}: the CloudEvents JSON of each entry is one line of the flattened reply. */
    private static List<Event> identityEvents() throws IOException {
        return redis("XRANGE", "events:identity", "-", "+").lines().filter(line -> line.startsWith("{")).map(json -> {
            try {
                return EventCodec.decode(Map.of(EventCodec.FIELD, json));
            } catch (Exception e) {
                throw new AssertionError("malformed entry on events:identity: " + json, e);
            }
        }).toList();
    }

    /** The module's Redis database, the one RealInfrastructure gave the packaged app. */
    private static String redis(String... command) throws IOException {
        try (RedisConnection connection = RedisConnection.open(TestServers.redis().orElseThrow()
                .withDatabase(RealInfrastructure.redisDatabase(RealInfrastructure.moduleName())))) {
            return connection.call(command);
        }
    }
}
