package dev.groundwork.cache;

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
 * auth-service's discovery document and JWKS with a key of the test's own (so that {@link #adminToken} is a token
 * quarkus-oidc verifies as it would auth-service's), and the namespaces the tests use, declared in configuration as
 * the chart and ./groundwork up declare theirs. Registered for the whole module (TestInfrastructure).
 */
public class AuthStub implements QuarkusTestResourceLifecycleManager {

    public static final String ALPHA_RW = "alpha-rw-Secret-Token-0000000001";
    public static final String ALPHA_RO = "alpha-ro-Secret-Token-0000000002";
    public static final String BETA_RW = "beta-rw-Secret-Token-00000000003";
    public static final String TIGHT_RW = "tight-rw-Secret-Token-0000000004";
    public static final String JS_RW = "js-rw-Secret-Token-0000000000005";
    public static final String JS_RO = "js-ro-Secret-Token-0000000000006";

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
                Map.entry("cache.namespaces.alpha.read-write-tokens", ALPHA_RW),
                Map.entry("cache.namespaces.alpha.read-only-tokens", ALPHA_RO),
                Map.entry("cache.namespaces.beta.read-write-tokens", BETA_RW),
                Map.entry("cache.namespaces.tight.read-write-tokens", TIGHT_RW),
                Map.entry("cache.namespaces.tight.default-ttl", "PT2M"),
                Map.entry("cache.namespaces.tight.max-ttl", "PT10M"),
                Map.entry("cache.namespaces.tight.max-value-bytes", "1024"),
                Map.entry("cache.namespaces.tight.max-keys", "5"),
                Map.entry("cache.namespaces.tight.commands", "string,keyspace"),
                Map.entry("cache.namespaces.tight.requests-per-second", "30"),
                Map.entry("cache.namespaces.js.read-write-tokens", JS_RW),
                Map.entry("cache.namespaces.js.read-only-tokens", JS_RO),
                // The entries API (EntriesApiTest): a stale window and long waits, namespaces users may read or write.
                Map.entry("cache.namespaces.pages.stale-while-revalidate", "PT2S"),
                Map.entry("cache.namespaces.pages.lease-wait", "PT5S"),
                Map.entry("cache.namespaces.users-read.user-access", "read"),
                Map.entry("cache.namespaces.users-write.user-access", "read-write"),
                // Tests count keys themselves (NamespaceStats.count()).
                Map.entry("cache.count-every", "1H"));
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
        return token(List.of("admin"));
    }

    public static String userToken() {
        return token(List.of());
    }

    /** A signed-in user's token of this session (Supabase's claims). */
    public static String userToken(String sessionId) {
        return token(UUID.randomUUID().toString(), "authenticated", List.of(), sessionId, 900);
    }

    /** A service account's token from client_credentials: its scopes are its roles, its role claim {@code service}. */
    public static String serviceToken(String... scopes) {
        return token("client-" + UUID.randomUUID(), "service", List.of(scopes), null, 900);
    }

    /** A service account's token that expires in a few seconds. */
    public static String shortLivedServiceToken(int seconds, String... scopes) {
        return token("client-" + UUID.randomUUID(), "service", List.of(scopes), null, seconds);
    }

    private static String token(List<String> roles) {
        return token(UUID.randomUUID().toString(), "authenticated", roles, null, 900);
    }

    private static String token(String subject, String role, List<String> roles, String sessionId, int lifetimeSeconds) {
        try {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(base + "/auth/v1");
            claims.setAudience("authenticated");
            claims.setSubject(subject);
            if (sessionId != null) {
                claims.setClaim("session_id", sessionId);
            }
            claims.setExpirationTimeMinutesInTheFuture(lifetimeSeconds / 60f);
            claims.setIssuedAtToNow();
            claims.setClaim("email", "ops@example.com");
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
