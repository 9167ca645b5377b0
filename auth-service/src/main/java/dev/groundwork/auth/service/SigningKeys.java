package dev.groundwork.auth.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.groundwork.auth.config.AuthConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The ES256 signing keys: one active key signs, upcoming and retired keys are published in the JWKS so that a
 * rotation never breaks a resource server (docs/auth-service.md, "Rotating the signing key"). Error messages
 * name keys by {@code kid} only; key material never reaches a log.
 */
@Startup
@ApplicationScoped
public class SigningKeys {

    public enum Status { ACTIVE, UPCOMING, RETIRED }

    public record SigningKey(String kid, Status status, PublicJsonWebKey jwk) {
    }

    @Inject
    AuthConfig config;
    @Inject
    ObjectMapper json;

    private List<SigningKey> keys;
    private SigningKey active;
    private String publicJwks;

    @PostConstruct
    void load() {
        String keySet = config.signingKeys().filter(s -> !s.isBlank()).orElseGet(this::localKeys);
        keys = parse(keySet);
        List<SigningKey> activeKeys = keys.stream().filter(k -> k.status() == Status.ACTIVE).toList();
        if (activeKeys.size() != 1) {
            throw new IllegalStateException("AUTH_SIGNING_KEYS must have exactly one key with \"status\": \"active\", it has "
                    + activeKeys.size());
        }
        active = activeKeys.get(0);
        publicJwks = buildPublicJwks();
        Log.infof("Signing with key %s; publishing %s", active.kid(), keys.stream().map(k -> k.kid() + " (" + k.status().name().toLowerCase() + ")").toList());
    }

    public SigningKey active() {
        return active;
    }

    /** Every key, published in the JWKS and accepted when verifying. */
    public List<SigningKey> all() {
        return keys;
    }

    public PrivateKey activePrivateKey() {
        return active.jwk().getPrivateKey();
    }

    /** The JWKS document: every key's public half, with {@code use} and {@code alg}. */
    public String publicJwks() {
        return publicJwks;
    }

    private List<SigningKey> parse(String keySet) {
        Map<String, Object> document;
        try {
            document = json.readValue(keySet, new TypeReference<>() { });
        } catch (IOException e) {
            throw new IllegalStateException("AUTH_SIGNING_KEYS is not a JSON JWK set ({\"keys\": [...]})");
        }
        if (!(document.get("keys") instanceof List<?> entries) || entries.isEmpty()) {
            throw new IllegalStateException("AUTH_SIGNING_KEYS has no \"keys\"");
        }
        List<SigningKey> parsed = new ArrayList<>();
        for (Object entry : entries) {
            @SuppressWarnings("unchecked")
            Map<String, Object> params = new LinkedHashMap<>((Map<String, Object>) entry);
            Object kid = params.get("kid");
            Object statusValue = params.remove("status");
            if (kid == null) {
                throw new IllegalStateException("a key in AUTH_SIGNING_KEYS has no \"kid\"");
            }
            Status status;
            try {
                status = Status.valueOf(String.valueOf(statusValue == null ? "active" : statusValue).toUpperCase());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("key " + kid + ": \"status\" must be active, upcoming or retired");
            }
            PublicJsonWebKey jwk;
            try {
                jwk = PublicJsonWebKey.Factory.newPublicJwk(params);
            } catch (JoseException | RuntimeException e) {
                throw new IllegalStateException("key " + kid + " is not a valid JWK");
            }
            if (!(jwk instanceof EllipticCurveJsonWebKey ec) || !EllipticCurves.P_256.equals(ec.getCurveName())
                    || jwk.getPrivateKey() == null) {
                throw new IllegalStateException("key " + kid + " must be an EC P-256 private key (ES256)");
            }
            parsed.add(new SigningKey(kid.toString(), status, jwk));
        }
        return List.copyOf(parsed);
    }

    private String buildPublicJwks() {
        List<Map<String, Object>> published = new ArrayList<>();
        for (SigningKey key : keys) {
            Map<String, Object> jwk = new LinkedHashMap<>(key.jwk().toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
            jwk.put("use", "sig");
            jwk.put("alg", "ES256");
            published.add(jwk);
        }
        try {
            return json.writeValueAsString(Map.of("keys", published));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Local runs: a generated key kept in the data directory (readable by its owner only). */
    private String localKeys() {
        if (!config.generateLocalKeys()) {
            throw new IllegalStateException("No signing keys: set AUTH_SIGNING_KEYS (a JWK set, see docs/auth-service.md). "
                    + "Generated keys are for local runs only (AUTH_GENERATE_LOCAL_KEYS=true).");
        }
        Path file = config.dataDir().resolve("signing-keys.json");
        try {
            if (Files.exists(file)) {
                return Files.readString(file);
            }
            EllipticCurveJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
            key.setKeyId("local-" + UUID.randomUUID().toString().substring(0, 8));
            Map<String, Object> params = new LinkedHashMap<>(key.toParams(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
            params.put("status", "active");
            String keySet = json.writeValueAsString(Map.of("keys", List.of(params)));
            Files.createDirectories(file.getParent());
            Files.writeString(file, keySet);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            Log.infof("Generated a local signing key %s in %s", key.getKeyId(), file);
            return keySet;
        } catch (IOException | JoseException e) {
            throw new IllegalStateException("could not create a local signing key in " + file + ": " + e.getMessage());
        }
    }
}
