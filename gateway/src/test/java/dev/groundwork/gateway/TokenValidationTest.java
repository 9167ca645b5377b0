package dev.groundwork.gateway;

import dev.groundwork.testsupport.ManagementInterface;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.groundwork.gateway.AuthServiceForTokens.NEW_KEY;
import static dev.groundwork.gateway.AuthServiceForTokens.OLD_KEY;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway (quarkus-oidc, discovery against the real auth-service) accepts auth-service's tokens, keeps
 * accepting them across a signing-key rotation, and refuses every forgery.
 */
@QuarkusTest
@WithTestResource(value = AuthServiceForTokens.class, scope = TestResourceScope.MATCHING_RESOURCES)
class TokenValidationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aKeyRotationKeepsOldTokensValidUntilTheyExpireAndNewOnesValidAtOnce() throws Exception {
        String userId = signUp("rotation@example.com");
        String before = signIn("rotation@example.com");
        assertEquals(OLD_KEY.getKeyId(), part(before, 0).get("kid").asText());
        assertEquals(200, whoami(before));

        // 1. Publish the next key as upcoming.
        AuthServiceForTokens.rollOut(ordered(OLD_KEY, "active", NEW_KEY, "upcoming"));
        assertEquals(200, whoami(before));

        // 2. Switch: the new key signs, the old one is retired but still published.
        AuthServiceForTokens.rollOut(ordered(NEW_KEY, "active", OLD_KEY, "retired"));
        String after = signIn("rotation@example.com");
        assertEquals(NEW_KEY.getKeyId(), part(after, 0).get("kid").asText());
        assertEquals(200, whoami(after), "a token of the new key is valid at once");
        assertEquals(200, whoami(before), "a token of the old key stays valid");
        assertEquals(userId, given().auth().oauth2(after).get("/test/whoami").then().extract().asString());

        // The gateway's routes remember a verified token (the second request skips the signature check)...
        given().auth().oauth2(before).get("/guarded/auth/v1/health").then().statusCode(200);
        given().auth().oauth2(before).get("/guarded/auth/v1/health").then().statusCode(200);
        String metrics = ManagementInterface.given().get("/q/metrics").then().extract().asString();
        assertTrue(java.util.regex.Pattern.compile("cache_gets_total\\{cache=\"gateway.verified.tokens\",result=\"hit\"[^}]*} [1-9]")
                .matcher(metrics).find(), metrics.lines().filter(l -> l.contains("verified")).toList().toString());

        // ...until it expires.
        long expiresAt = part(before, 1).get("exp").asLong();
        Thread.sleep(Math.max(0, expiresAt * 1000 - System.currentTimeMillis()) + 1_500);
        assertEquals(401, whoami(before), "an old token expires as usual");
        given().auth().oauth2(before).get("/guarded/auth/v1/health").then().statusCode(401);
        assertEquals(200, whoami(signIn("rotation@example.com")));
    }

    @Test
    void forgedAndAlteredTokensAreRefused() throws Exception {
        signUp("forgery@example.com");
        String genuine = signIn("forgery@example.com");
        EllipticCurveJsonWebKey signer = part(genuine, 0).get("kid").asText().equals(NEW_KEY.getKeyId()) ? NEW_KEY : OLD_KEY;
        JsonNode claims = part(genuine, 1);
        String[] parts = genuine.split("\\.");
        assertEquals(200, whoami(genuine));

        assertEquals(401, whoami(b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + "."), "alg none");
        JsonWebSignature hs256 = new JsonWebSignature();
        hs256.setPayload(claims.toString());
        hs256.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        hs256.setKeyIdHeaderValue(signer.getKeyId());
        hs256.setKey(new HmacKey(signer.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY).getBytes(StandardCharsets.UTF_8)));
        hs256.setDoKeyValidation(false);
        assertEquals(401, whoami(hs256.getCompactSerialization()), "HS256 signed with the public key");
        assertEquals(401, whoami(sign(claims, "someone-elses-key", signer)), "unknown kid");
        assertEquals(401, whoami(sign(with(claims, "iss", "https://evil.example/auth/v1"), signer.getKeyId(), signer)), "issuer");
        assertEquals(401, whoami(sign(with(claims, "aud", "another-app"), signer.getKeyId(), signer)), "audience");
        ObjectNode old = with(claims, "exp", System.currentTimeMillis() / 1000 - 60);
        old.put("iat", System.currentTimeMillis() / 1000 - 600);
        assertEquals(401, whoami(sign(old, signer.getKeyId(), signer)), "expired");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[5] ^= 0x01;
        assertEquals(401, whoami(parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature)),
                "signature bit flipped");
        assertEquals(401, whoami(parts[0] + "." + b64(with(claims, "sub", "00000000-0000-0000-0000-000000000000").toString()) + "." + parts[2]),
                "claims edited");
    }

    @Test
    void routesAskForAUserOrARole() {
        signUp("router@example.com");
        String user = signIn("router@example.com");
        given().get("/guarded/auth/v1/health").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer realm=\"groundwork\"");
        given().auth().oauth2(user).get("/guarded/auth/v1/health").then().statusCode(200);
        // The body waits, unread, while the token is checked, then streams on (auth-service checks the token again).
        given().auth().oauth2(user).contentType("application/json").body(Map.of("data", Map.of("seen", "through the gateway")))
                .put("/guarded/auth/v1/user").then().statusCode(200).body("user_metadata.seen", org.hamcrest.Matchers.equalTo("through the gateway"));
        given().auth().oauth2(user + "x").get("/guarded/auth/v1/health").then().statusCode(401)
                .header("WWW-Authenticate", org.hamcrest.Matchers.containsString("invalid_token"));
        given().auth().oauth2(user).get("/ops/auth/v1/health").then().statusCode(403).contentType("application/problem+json")
                .header("WWW-Authenticate", org.hamcrest.Matchers.containsString("insufficient_scope"));
        String service = given().baseUri(AuthServiceForTokens.auth.url().toString()).auth().preemptive().basic("ops", "ops-secret")
                .formParam("grant_type", "client_credentials").post("/oauth/token").then().statusCode(200).extract().path("access_token");
        given().auth().oauth2(service).get("/ops/auth/v1/health").then().statusCode(200);
    }

    private static Map<EllipticCurveJsonWebKey, String> ordered(EllipticCurveJsonWebKey first, String firstStatus,
                                                                EllipticCurveJsonWebKey second, String secondStatus) {
        Map<EllipticCurveJsonWebKey, String> keys = new LinkedHashMap<>();
        keys.put(first, firstStatus);
        keys.put(second, secondStatus);
        return keys;
    }

    /**
     * Sign-out ends the session: its access token, still validly signed and remembered by the edge's token cache,
     * is refused within libs/sessions' check interval. Before, it passed the edge until it expired.
     */
    @Test
    void theTokenOfASignedOutSessionIsRefusedAtTheEdge() {
        signUp("signed.out@example.com");
        String token = signIn("signed.out@example.com");
        given().auth().oauth2(token).get("/guarded/auth/v1/health").then().statusCode(200);
        given().baseUri(AuthServiceForTokens.auth.url().toString()).auth().oauth2(token).post("/auth/v1/logout?scope=global")
                .then().statusCode(204);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).untilAsserted(() ->
                given().auth().oauth2(token).get("/guarded/auth/v1/health").then().statusCode(401)
                        .contentType("application/problem+json").header("WWW-Authenticate", org.hamcrest.Matchers.containsString("invalid_token")));
    }

    private static String signUp(String email) {
        return given().baseUri(AuthServiceForTokens.auth.url().toString()).contentType("application/json")
                .body(Map.of("email", email, "password", "correct-horse-9")).post("/auth/v1/signup")
                .then().statusCode(200).extract().path("user.id");
    }

    private static String signIn(String email) {
        return given().baseUri(AuthServiceForTokens.auth.url().toString()).contentType("application/json")
                .body(Map.of("email", email, "password", "correct-horse-9")).post("/auth/v1/token?grant_type=password")
                .then().statusCode(200).extract().path("access_token");
    }

    private static int whoami(String token) {
        return given().auth().oauth2(token).get("/test/whoami").then().extract().statusCode();
    }

    private static String sign(JsonNode claims, String kid, EllipticCurveJsonWebKey key) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toString());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jws.setKeyIdHeaderValue(kid);
        jws.setKey(key.getPrivateKey());
        return jws.getCompactSerialization();
    }

    private static ObjectNode with(JsonNode claims, String name, Object value) {
        ObjectNode copy = claims.deepCopy();
        copy.putPOJO(name, value);
        return copy;
    }

    private static JsonNode part(String jwt, int index) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]));
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
