package dev.groundwork.payment.stripe;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.EllipticCurves;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * The one stub of the test suite: Stripe's API at the client's base URL (WireMock; each test adds the stubs it
 * needs and checks what was sent), plus auth-service's discovery document and JWKS with a key of the test's own,
 * so that {@link #userToken} and {@link #adminToken} are tokens quarkus-oidc verifies as it would auth-service's.
 * Registered for the whole module (TestInfrastructure), so Quarkus starts once.
 */
public class StripeStub implements QuarkusTestResourceLifecycleManager {

    public static final String SECRET_KEY = "sk_test_51GroundworkTestKeyDoNotLog0000000000";
    public static final String OLD_WEBHOOK_SECRET = "whsec_oldGroundworkTestSecretDoNotLog000000";
    public static final String NEW_WEBHOOK_SECRET = "whsec_newGroundworkTestSecretDoNotLog000000";
    /** The secret of some other endpoint: its signatures must be refused. */
    public static final String FOREIGN_WEBHOOK_SECRET = "whsec_otherEndpointSecret0000000000000000";
    public static final String REDIRECT_ORIGIN = "https://app.example";

    private static WireMockServer server;
    private static EllipticCurveJsonWebKey key;

    public static WireMockServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        try {
            key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        key.setKeyId("test-key");
        key.setAlgorithm(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        String base = server.baseUrl();
        server.stubFor(get("/auth/v1/.well-known/openid-configuration").willReturn(okJson("""
                {"issuer":"%s/auth/v1","jwks_uri":"%s/auth/v1/.well-known/jwks.json","id_token_signing_alg_values_supported":["ES256"]}"""
                .formatted(base, base))));
        server.stubFor(get("/auth/v1/.well-known/jwks.json")
                .willReturn(okJson(new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY))));
        // What Stripe answers for an object it does not have.
        server.stubFor(any(urlPathMatching("/v1/.*")).atPriority(10).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withHeader("Request-Id", "req_stub_missing")
                .withBody("{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"resource_missing\",\"message\":\"No such object\"}}")));
        return Map.ofEntries(
                Map.entry("stripe.api-base", base),
                Map.entry("stripe.secret-key", SECRET_KEY),
                Map.entry("stripe.webhook-secrets", OLD_WEBHOOK_SECRET + "," + NEW_WEBHOOK_SECRET),
                Map.entry("stripe.read-timeout", "2S"),
                Map.entry("quarkus.oidc.auth-server-url", base + "/auth/v1"),
                Map.entry("payment.plans.pro.prices", StripeObjects.PRO_PRICE),
                Map.entry("payment.plans.pro.entitlements", "api.calls.100k,seats.10"),
                Map.entry("payment.plans.team.prices", StripeObjects.TEAM_PRICE),
                Map.entry("payment.plans.team.entitlements", "api.calls.1m,seats.50"),
                Map.entry("payment.redirect-origins", REDIRECT_ORIGIN),
                Map.entry("payment.inbox.poll-every", "1S"),
                Map.entry("payment.inbox.retry-backoff", "200MS"),
                // A failed event is delivered again after 1 s instead of 30 s, so tests see the retry.
                Map.entry("groundwork.events.consumer.claim-idle", "1S"),
                // Tests run reconciliation themselves.
                Map.entry("payment.reconciliation.every", "1H"),
                Map.entry("payment.reconciliation.first-delay", "1H"));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    public static String userToken(UUID userId, String email) {
        return token(userId.toString(), email, List.of(), null);
    }

    /** A user token of a session, as auth-service issues them ({@code session_id}). */
    public static String userToken(UUID userId, String email, UUID sessionId) {
        return token(userId.toString(), email, List.of(), sessionId.toString());
    }

    public static String adminToken() {
        return token(UUID.randomUUID().toString(), "ops@example.com", List.of("admin"), null);
    }

    private static String token(String subject, String email, List<String> roles, String sessionId) {
        try {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(server.baseUrl() + "/auth/v1");
            claims.setAudience("authenticated");
            claims.setSubject(subject);
            claims.setExpirationTimeMinutesInTheFuture(15);
            claims.setIssuedAtToNow();
            claims.setClaim("email", email);
            claims.setClaim("role", "authenticated");
            claims.setClaim("app_metadata", Map.of("provider", "email", "roles", roles));
            if (sessionId != null) {
                claims.setClaim("session_id", sessionId);
            }
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
