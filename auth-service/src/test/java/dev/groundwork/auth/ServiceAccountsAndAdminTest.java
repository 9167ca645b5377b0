package dev.groundwork.auth;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.groundwork.events.EventCodec;
import io.agroal.api.AgroalDataSource;
import io.quarkus.mailer.MockMailbox;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.groundwork.auth.AuthClient.PASSWORD;
import static dev.groundwork.auth.AuthClient.authJs;
import static dev.groundwork.auth.AuthClient.signIn;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class ServiceAccountsAndAdminTest {

    @Inject
    MockMailbox mailbox;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    RedisDataSource redis;

    static String adminToken() {
        return given().auth().preemptive().basic("admin-tool", "test-admin-secret").formParam("grant_type", "client_credentials")
                .post("/oauth/token").then().statusCode(200).body("token_type", equalTo("Bearer")).body("scope", equalTo("admin"))
                .extract().path("access_token");
    }

    /**
     * Every URL of the discovery document is the configured public one ({@code http://localhost:8080} in tests), whatever
     * the request's {@code Host} or forwarded headers say: before, {@code Host: evil.test} made the document send
     * clients' keys and credentials to evil.test, and through the gateway it showed auth-service's internal address.
     */
    @Test
    void discoveryAndKeysAreWhatResourceServersNeed() {
        for (String path : List.of("/auth/v1/.well-known/openid-configuration", "/.well-known/openid-configuration")) {
            given().header("Host", "evil.test").header("X-Forwarded-Host", "evil.test").header("X-Forwarded-Proto", "https")
                    .header("Forwarded", "host=evil.test;proto=https").get(path).then().statusCode(200)
                    .body("issuer", equalTo("http://localhost:8080/auth/v1"))
                    .body("jwks_uri", equalTo("http://localhost:8080/auth/v1/.well-known/jwks.json"))
                    .body("token_endpoint", equalTo("http://localhost:8080/oauth/token"))
                    .body("revocation_endpoint", equalTo("http://localhost:8080/oauth/revoke"));
        }
        // The same document at the root, as the gateway routes it.
        assertEquals(given().get("/auth/v1/.well-known/openid-configuration").then().extract().asString(),
                given().get("/.well-known/openid-configuration").then().statusCode(200).extract().asString());
        for (String jwks : List.of("/auth/v1/.well-known/jwks.json", "/.well-known/jwks.json")) {
            given().get(jwks).then().statusCode(200).contentType("application/json")
                    .header("Cache-Control", equalTo("no-transform, max-age=600"))
                    .body("keys[0].kty", equalTo("EC")).body("keys[0].crv", equalTo("P-256")).body("keys[0].alg", equalTo("ES256"))
                    .body("keys[0].use", equalTo("sig")).body("keys[0].d", equalTo(null));
        }
    }

    @Test
    void clientCredentialsFollowOAuth() {
        String token = adminToken();
        assertEquals("service_role", jwtClaim(token, "role"));
        assertEquals("admin-tool", jwtClaim(token, "sub"));
        given().formParam("grant_type", "client_credentials").formParam("client_id", "admin-tool")
                .formParam("client_secret", "test-admin-secret").post("/oauth/token").then().statusCode(200);
        given().auth().preemptive().basic("admin-tool", "wrong").formParam("grant_type", "client_credentials")
                .post("/oauth/token").then().statusCode(401).body("error", equalTo("invalid_client")).header("WWW-Authenticate", notNullValue());
        given().auth().preemptive().basic("admin-tool", "test-admin-secret").formParam("grant_type", "password")
                .post("/oauth/token").then().statusCode(400).body("error", equalTo("unsupported_grant_type"));
        given().auth().preemptive().basic("admin-tool", "test-admin-secret").formParam("grant_type", "client_credentials")
                .formParam("scope", "admin billing").post("/oauth/token").then().statusCode(400).body("error", equalTo("invalid_scope"));
    }

    @Test
    void oauthAnswersKeepTheirShape() {
        given().auth().preemptive().basic("admin-tool", "test-admin-secret").formParam("grant_type", "client_credentials")
                .post("/oauth/token").then().statusCode(200).header("Cache-Control", "no-store")
                .body("token_type", equalTo("Bearer")).body("expires_in", equalTo(900)).body("scope", equalTo("admin"));
        given().auth().preemptive().basic("admin-tool", "wrong").formParam("grant_type", "client_credentials")
                .post("/oauth/token").then().statusCode(401).contentType("application/json").header("Cache-Control", "no-store")
                .header("WWW-Authenticate", "Basic realm=\"groundwork\"")
                .body("error", equalTo("invalid_client")).body("error_description", equalTo("Client authentication failed"));
        // A Basic header that does not decode fails, even with the right credentials in the form.
        given().header("Authorization", "Basic %%%").formParam("grant_type", "client_credentials").formParam("client_id", "admin-tool")
                .formParam("client_secret", "test-admin-secret").post("/oauth/token").then().statusCode(401).body("error", equalTo("invalid_client"));
        given().auth().preemptive().basic("admin-tool", "test-admin-secret").post("/oauth/revoke").then().statusCode(400)
                .header("Cache-Control", "no-store").header("WWW-Authenticate", equalTo(null))
                .body("error", equalTo("invalid_request")).body("error_description", equalTo("token is required"));
    }

    @Test
    void adminPagingAndIdsAreChecked() {
        String admin = adminToken();
        authJs().auth().oauth2(admin).get("/auth/v1/admin/users?per_page=0").then().statusCode(400).body("code", equalTo("validation_failed"));
        authJs().auth().oauth2(admin).get("/auth/v1/admin/users?page=0").then().statusCode(400).body("code", equalTo("validation_failed"));
        authJs().auth().oauth2(admin).get("/auth/v1/admin/users?per_page=1").then().statusCode(200).header("X-Total-Count", notNullValue())
                .body("aud", equalTo("authenticated"));
        authJs().auth().oauth2(admin).get("/auth/v1/admin/users/not-a-uuid").then().statusCode(404).body("code", equalTo("user_not_found"))
                .body("message", equalTo("User not found"));
        authJs().auth().oauth2(admin).delete("/auth/v1/admin/users/not-a-uuid").then().statusCode(404).body("code", equalTo("user_not_found"));
    }

    @Test
    void adminManagesUsersAndEveryChangeIsAuditedAndPublished() throws Exception {
        String admin = adminToken();
        String user = AuthClient.confirmedSession(mailbox, "not.admin@example.com").get("access_token").asText();
        authJs().auth().oauth2(user).get("/auth/v1/admin/users").then().statusCode(403).body("code", equalTo("not_admin"));

        String id = authJs().auth().oauth2(admin).body(Map.of("email", "managed@example.com", "password", PASSWORD,
                        "email_confirm", true, "user_metadata", Map.of("team", "ops")))
                .post("/auth/v1/admin/users").then().statusCode(200).body("email", equalTo("managed@example.com"))
                .body("email_confirmed_at", notNullValue()).extract().path("id");
        signIn("managed@example.com", PASSWORD).then().statusCode(200);
        authJs().auth().oauth2(admin).get("/auth/v1/admin/users?per_page=500").then().statusCode(200)
                .body("aud", equalTo("authenticated")).body("users.email", hasItem("managed@example.com"));

        authJs().auth().oauth2(admin).body(Map.of("ban_duration", "24h")).put("/auth/v1/admin/users/" + id)
                .then().statusCode(200).body("banned_until", notNullValue());
        signIn("managed@example.com", PASSWORD).then().statusCode(400).body("code", equalTo("user_banned"));
        authJs().auth().oauth2(admin).body(Map.of("ban_duration", "none")).put("/auth/v1/admin/users/" + id).then().statusCode(200);
        signIn("managed@example.com", PASSWORD).then().statusCode(200);

        authJs().auth().oauth2(admin).delete("/auth/v1/admin/users/" + id).then().statusCode(200);
        authJs().auth().oauth2(admin).get("/auth/v1/admin/users/" + id).then().statusCode(404).body("code", equalTo("user_not_found"));

        assertEquals("1", query("SELECT count(*) FROM identity.event_outbox WHERE subject = '" + id + "' AND type = 'dev.groundwork.identity.user.registered.v1'"));
        assertEquals("1", query("SELECT count(*) FROM identity.event_outbox WHERE subject = '" + id + "' AND type = 'dev.groundwork.identity.user.deleted.v1'"));
        assertTrue(Integer.parseInt(query("SELECT count(*) FROM identity.event_outbox WHERE subject = '" + id
                + "' AND type = 'dev.groundwork.identity.session.revoked.v1'")) >= 1, "ban and delete end the sessions");
        assertEquals("user_signedup,user_modified,user_modified,user_deleted", query("SELECT string_agg(action, ',' ORDER BY id)"
                + " FROM identity.audit_log WHERE user_id = '" + id + "' AND action LIKE 'user_%'"));
    }

    @Test
    void aPlanChangeFromBillingReachesTheNextRefreshedToken() throws Exception {
        var session = AuthClient.confirmedSession(mailbox, "subscriber@example.com");
        String userId = session.get("user").get("id").asText();
        String event = EventCodec.encode(UUID.randomUUID().toString(), "billing", "dev.groundwork.billing.subscription.changed.v1", userId,
                JsonNodeFactory.instance.objectNode().put("userId", userId).put("plan", "pro").put("status", "active"), EventCodec.Trace.NONE);
        redis.execute("XADD", "events:billing", "*", "event", event);

        await().atMost(Duration.ofSeconds(15))
                .until(() -> query("SELECT raw_app_meta_data ->> 'plan' FROM identity.users WHERE id = '" + userId + "'"), equalTo("pro"));
        String refreshed = AuthClient.refresh(session.get("refresh_token").asText()).then().statusCode(200).extract().path("access_token");
        assertEquals("pro", AuthClient.jwtPart(refreshed, 1).get("app_metadata").get("plan").asText());
    }

    private static String jwtClaim(String token, String claim) {
        try {
            return AuthClient.jwtPart(token, 1).get(claim).asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String query(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }
}
