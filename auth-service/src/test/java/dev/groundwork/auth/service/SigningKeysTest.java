package dev.groundwork.auth.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.groundwork.auth.config.AuthConfig;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.json.JsonUtil;
import org.jose4j.keys.EllipticCurves;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What AUTH_SIGNING_KEYS must hold, and that no key material reaches an error message or the JWKS. */
class SigningKeysTest {

    @Test
    void productionRefusesToStartWithoutKeys() {
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> load(null));
        assertTrue(refused.getMessage().startsWith("No signing keys: set AUTH_SIGNING_KEYS"), refused.getMessage());
    }

    @Test
    void exactlyOneKeyIsActive() throws Exception {
        EllipticCurveJsonWebKey a = key("a");
        EllipticCurveJsonWebKey b = key("b");
        assertEquals("AUTH_SIGNING_KEYS must have exactly one key with \"status\": \"active\", it has 2",
                assertThrows(IllegalStateException.class, () -> load(set(a, "active", b, "active"))).getMessage());
        assertEquals("AUTH_SIGNING_KEYS must have exactly one key with \"status\": \"active\", it has 0",
                assertThrows(IllegalStateException.class, () -> load(set(a, "retired", b, "upcoming"))).getMessage());
    }

    @Test
    void badKeysAreNamedByKidOnly() throws Exception {
        String publicOnly = "{\"keys\":[" + JsonUtil.toJson(withStatus(key("pub").toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY), "active")) + "]}";
        assertEquals("key pub must be an EC P-256 private key (ES256)",
                assertThrows(IllegalStateException.class, () -> load(publicOnly)).getMessage());
        String secret = "{\"keys\":[{\"kid\":\"x\",\"kty\":\"EC\",\"crv\":\"P-256\",\"d\":\"c2VjcmV0\"}";
        IllegalStateException notJson = assertThrows(IllegalStateException.class, () -> load(secret));
        assertFalse(notJson.getMessage().contains("c2VjcmV0"), notJson.getMessage());
    }

    @Test
    void upcomingAndRetiredKeysArePublishedWithoutTheirPrivatePart() throws Exception {
        EllipticCurveJsonWebKey active = key("k2");
        EllipticCurveJsonWebKey retired = key("k1");
        SigningKeys keys = load(set(active, "active", retired, "retired"));
        assertEquals("k2", keys.active().kid());
        String jwks = keys.publicJwks();
        assertTrue(jwks.contains("\"kid\":\"k1\"") && jwks.contains("\"kid\":\"k2\""), jwks);
        assertFalse(jwks.contains("\"d\""), jwks);
    }

    private static SigningKeys load(String keySet) {
        SigningKeys keys = new SigningKeys();
        keys.config = config(keySet);
        keys.json = new ObjectMapper();
        keys.load();
        return keys;
    }

    private static AuthConfig config(String keySet) {
        return (AuthConfig) Proxy.newProxyInstance(AuthConfig.class.getClassLoader(), new Class<?>[]{AuthConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "signingKeys" -> Optional.ofNullable(keySet);
                    case "generateLocalKeys" -> false;
                    case "dataDir" -> Path.of("target/never-used");
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static String set(EllipticCurveJsonWebKey first, String firstStatus, EllipticCurveJsonWebKey second, String secondStatus) {
        return "{\"keys\":[" + JsonUtil.toJson(withStatus(first.toParams(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE), firstStatus))
                + "," + JsonUtil.toJson(withStatus(second.toParams(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE), secondStatus)) + "]}";
    }

    private static Map<String, Object> withStatus(Map<String, Object> params, String status) {
        Map<String, Object> copy = new LinkedHashMap<>(params);
        copy.put("status", status);
        return copy;
    }

    private static EllipticCurveJsonWebKey key(String kid) throws Exception {
        EllipticCurveJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        key.setKeyId(kid);
        return key;
    }
}
