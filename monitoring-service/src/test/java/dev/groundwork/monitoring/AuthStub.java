package dev.groundwork.monitoring;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.EllipticCurves;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * auth-service's discovery document and JWKS with a key of the test's own (so that its tokens verify as
 * auth-service's would), and the projects the tests use, declared in configuration as the chart and
 * ./groundwork up declare theirs. Registered for the whole module (TestInfrastructure).
 */
public class AuthStub implements QuarkusTestResourceLifecycleManager {

    /** Project {@code alpha} (id 11): most tests. */
    public static final String ALPHA_KEY = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
    /** Project {@code beta} (id 12): a key of another project. */
    public static final String BETA_KEY = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2";
    /** Project {@code tight} (id 13): three events a minute. */
    public static final String TIGHT_KEY = "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3";
    /** Project {@code java} (id 14): the sentry-java test app's own. */
    public static final String JAVA_KEY = "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4";

    private static HttpServer server;
    private static EllipticCurveJsonWebKey key;
    private static String base;

    @Override
    public Map<String, String> start() {
        try {
            key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        key.setKeyId("test-key");
        key.setAlgorithm(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        serve("/auth/v1/.well-known/openid-configuration", """
                {"issuer":"%s/auth/v1","jwks_uri":"%s/auth/v1/.well-known/jwks.json","id_token_signing_alg_values_supported":["ES256"]}"""
                .formatted(base, base));
        serve("/auth/v1/.well-known/jwks.json", new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        server.start();
        return Map.ofEntries(
                Map.entry("quarkus.oidc.auth-server-url", base + "/auth/v1"),
                Map.entry("monitoring.projects.alpha.id", "11"),
                Map.entry("monitoring.projects.alpha.dsn-keys", ALPHA_KEY),
                Map.entry("monitoring.projects.beta.id", "12"),
                Map.entry("monitoring.projects.beta.dsn-keys", BETA_KEY),
                Map.entry("monitoring.projects.tight.id", "13"),
                Map.entry("monitoring.projects.tight.dsn-keys", TIGHT_KEY),
                Map.entry("monitoring.projects.tight.events-per-minute", "3"),
                Map.entry("monitoring.projects.java.id", "14"),
                Map.entry("monitoring.projects.java.dsn-keys", JAVA_KEY));
    }

    private static void serve(String path, String body) {
        server.createContext(path, exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (var out = exchange.getResponseBody()) {
                out.write(bytes);
            } catch (IOException ignored) {
                // the client went away
            }
        });
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    public static String adminToken() {
        return token(UUID.randomUUID().toString(), "authenticated", List.of("admin"), null);
    }

    public static String userToken() {
        return token(UUID.randomUUID().toString(), "authenticated", List.of(), null);
    }

    /** A signed-in user's token of this session. */
    public static String userToken(String sessionId, List<String> roles) {
        return token(UUID.randomUUID().toString(), "authenticated", roles, sessionId);
    }

    /** A service account's token from client_credentials: its scopes are its roles. */
    public static String serviceToken(String... scopes) {
        return token("client-" + UUID.randomUUID(), "service", List.of(scopes), null);
    }

    private static String token(String subject, String role, List<String> roles, String sessionId) {
        try {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(base + "/auth/v1");
            claims.setAudience("authenticated");
            claims.setSubject(subject);
            if (sessionId != null) {
                claims.setClaim("session_id", sessionId);
            }
            claims.setExpirationTimeMinutesInTheFuture(15);
            claims.setIssuedAtToNow();
            claims.setClaim("role", role);
            claims.setClaim("app_metadata", Map.of("provider", "email", "roles", roles));
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(key.getPrivateKey());
            jws.setKeyIdHeaderValue(key.getKeyId());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
