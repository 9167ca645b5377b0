package dev.groundwork.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.mailer.MockMailbox;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static dev.groundwork.auth.AuthClient.JSON;
import static dev.groundwork.auth.AuthClient.authJs;
import static org.hamcrest.Matchers.equalTo;

/** Forged and altered access tokens are refused by auth-service's own check (GET /user). */
@QuarkusTest
class TamperedTokensTest {

    @Inject
    MockMailbox mailbox;

    private static String valid;
    private static JsonNode claims;
    private static PublicJsonWebKey key;

    @BeforeEach
    void signIn() throws Exception {
        if (valid == null) {
            valid = AuthClient.confirmedSession(mailbox, "tamper@example.com").get("access_token").asText();
            claims = AuthClient.jwtPart(valid, 1);
            // The test profile's generated key (what AUTH_SIGNING_KEYS holds in production).
            JsonNode set = JSON.readTree(Files.readString(Path.of("target/auth-data/signing-keys.json")));
            ((ObjectNode) set.get("keys").get(0)).remove("status");
            key = (PublicJsonWebKey) new JsonWebKeySet(set.toString()).getJsonWebKeys().get(0);
        }
    }

    @Test
    void theGenuineTokenWorks() {
        authJs().auth().oauth2(valid).get("/auth/v1/user").then().statusCode(200);
    }

    @Test
    void algNone() {
        String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        refused(header + "." + valid.split("\\.")[1] + ".");
    }

    @Test
    void hs256SignedWithThePublicKey() throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toString());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setKey(new HmacKey(key.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY).getBytes(StandardCharsets.UTF_8)));
        jws.setDoKeyValidation(false);
        refused(jws.getCompactSerialization());
    }

    @Test
    void unknownKid() throws Exception {
        refused(sign(claims.toString(), "not-our-key"));
    }

    @Test
    void wrongIssuerOrAudience() throws Exception {
        refused(sign(with("iss", "https://evil.example/auth/v1").toString(), key.getKeyId()));
        refused(sign(with("aud", "someone-else").toString(), key.getKeyId()));
    }

    @Test
    void expired() throws Exception {
        ObjectNode old = with("exp", System.currentTimeMillis() / 1000 - 10);
        old.put("iat", System.currentTimeMillis() / 1000 - 1000);
        refused(sign(old.toString(), key.getKeyId()));
    }

    @Test
    void signatureBitFlipped() {
        String[] parts = valid.split("\\.");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[10] ^= 0x01;
        refused(parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature));
    }

    @Test
    void claimsEdited() {
        String[] parts = valid.split("\\.");
        ObjectNode edited = with("role", "service_role");
        refused(parts[0] + "." + b64(edited.toString()) + "." + parts[2]);
    }

    private ObjectNode with(String name, Object value) {
        ObjectNode copy = claims.deepCopy();
        copy.putPOJO(name, value);
        return copy;
    }

    private String sign(String payload, String kid) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payload);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jws.setKeyIdHeaderValue(kid);
        jws.setKey(key.getPrivateKey());
        return jws.getCompactSerialization();
    }

    private static void refused(String token) {
        authJs().auth().oauth2(token).get("/auth/v1/user").then().statusCode(403).body("code", equalTo("bad_jwt"));
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
