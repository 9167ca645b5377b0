package dev.groundwork.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.quarkus.mailer.MockMailbox;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.Map;

import static dev.groundwork.auth.AuthClient.JSON;
import static dev.groundwork.auth.AuthClient.PASSWORD;
import static dev.groundwork.auth.AuthClient.authJs;
import static dev.groundwork.auth.AuthClient.refresh;
import static dev.groundwork.auth.AuthClient.signIn;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recovery, password change, hash upgrade, and what a browser client needs (settings, health, CORS). */
@QuarkusTest
class AccountLifecycleTest {

    @Inject
    MockMailbox mailbox;
    @Inject
    AgroalDataSource dataSource;

    @Test
    void recoveryByMailThenANewPasswordEndsTheOtherSessions() throws Exception {
        JsonNode otherDevice = AuthClient.confirmedSession(mailbox, "forgetful@example.com");

        authJs().body(Map.of("email", "nobody.here@example.com")).post("/auth/v1/recover").then().statusCode(200).body(equalTo("{}"));
        assertTrue(mailbox.getMailsSentTo("nobody.here@example.com").isEmpty(), "unknown addresses get the same answer, and no mail");

        authJs().body(Map.of("email", "forgetful@example.com")).post("/auth/v1/recover").then().statusCode(200).body(equalTo("{}"));
        String token = AuthClient.awaitedToken(mailbox, "forgetful@example.com", "recovery");
        JsonNode recovered = JSON.readTree(authJs().body(Map.of("type", "recovery", "token_hash", token)).post("/auth/v1/verify")
                .then().statusCode(200).extract().asString());
        assertEquals("otp", AuthClient.jwtPart(recovered.get("access_token").asText(), 1).get("amr").get(0).get("method").asText());
        authJs().body(Map.of("type", "recovery", "token_hash", token)).post("/auth/v1/verify").then().statusCode(403)
                .body("code", equalTo("otp_expired"));

        authJs().auth().oauth2(recovered.get("access_token").asText()).body(Map.of("password", "Brand-new-pass-42"))
                .put("/auth/v1/user").then().statusCode(200);
        refresh(otherDevice.get("refresh_token").asText()).then().statusCode(400).body("code", equalTo("refresh_token_not_found"));
        refresh(recovered.get("refresh_token").asText()).then().statusCode(200);
        signIn("forgetful@example.com", PASSWORD).then().statusCode(400).body("code", equalTo("invalid_credentials"));
        signIn("forgetful@example.com", "Brand-new-pass-42").then().statusCode(200);
    }

    /**
     * The fleet's redirect rule (libs/http RedirectOrigins) on the site URL {@code http://app.test}. One recovery per
     * address: a second within {@code auth.email.max-frequency} is refused (MailFrequencyTest).
     */
    @Test
    void anEmailedLinkRedirectsOnlyToTheSitesOrigin() throws Exception {
        String email = "redirected@example.com";
        AuthClient.signUp(email, PASSWORD).then().statusCode(200);

        // Another origin: verified all the same, but sent to the site.
        assertTrue(verifiedLocation("signup", AuthClient.mailedToken(mailbox, email), "https://evil.test/welcome")
                .startsWith("http://app.test#access_token="));
        // The site's name as user info in front of another host is that other host.
        assertTrue(verifiedLocation("recovery", recoveryToken(email), "http://app.test@evil.test/welcome")
                .startsWith("http://app.test#access_token="));
        // The site's origin in upper case is the site's origin.
        String another = "redirected.again@example.com";
        AuthClient.signUp(another, PASSWORD).then().statusCode(200);
        assertTrue(verifiedLocation("recovery", recoveryToken(another), "HTTP://APP.TEST/welcome")
                .startsWith("HTTP://APP.TEST/welcome#access_token="));
        // A refused link goes back to the same allowed target, with the error in the fragment.
        assertTrue(verifiedLocation("recovery", "never-issued", "http://app.test/welcome")
                .startsWith("http://app.test/welcome#error=access_denied&error_code=otp_expired&error_description="));
    }

    private String recoveryToken(String email) {
        authJs().body(Map.of("email", email)).post("/auth/v1/recover").then().statusCode(200);
        return AuthClient.awaitedToken(mailbox, email, "recovery");
    }

    private static String verifiedLocation(String type, String token, String redirectTo) {
        return given().redirects().follow(false).queryParam("type", type).queryParam("token", token).queryParam("redirect_to", redirectTo)
                .get("/auth/v1/verify").then().statusCode(303).extract().header("Location");
    }

    @Test
    void anEmailChangeIsConfirmedByTheNewAddress() throws Exception {
        JsonNode session = AuthClient.confirmedSession(mailbox, "moving@example.com");
        AuthClient.confirmedSession(mailbox, "taken@example.com");
        String token = session.get("access_token").asText();
        authJs().auth().oauth2(token).body(Map.of("email", "taken@example.com")).put("/auth/v1/user").then().statusCode(422)
                .body("code", equalTo("email_exists"));

        authJs().auth().oauth2(token).body(Map.of("email", "moved@example.com")).put("/auth/v1/user").then().statusCode(200)
                .body("email", equalTo("moving@example.com")).body("new_email", equalTo("moved@example.com"))
                .body("email_change_sent_at", org.hamcrest.Matchers.notNullValue());
        signIn("moved@example.com", PASSWORD).then().statusCode(400).body("code", equalTo("invalid_credentials"));
        given().redirects().follow(false).get("/auth/v1/verify?type=email_change&token=" + AuthClient.mailedToken(mailbox, "moved@example.com"))
                .then().statusCode(303).header("Location", containsString("#access_token="));
        signIn("moved@example.com", PASSWORD).then().statusCode(200).body("user.email", equalTo("moved@example.com"))
                .body("user.new_email", equalTo(null));
        signIn("moving@example.com", PASSWORD).then().statusCode(400).body("code", equalTo("invalid_credentials"));
    }

    @Test
    void aTransientDatabaseFailureIsA500SoTheClientKeepsItsSession() throws Exception {
        JsonNode session = AuthClient.confirmedSession(mailbox, "contended@example.com");
        String refreshToken = session.get("refresh_token").asText();
        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement(
                    "SELECT id FROM identity.refresh_tokens WHERE session_id = ?::uuid FOR UPDATE")) {
                lock.setString(1, AuthClient.jwtPart(session.get("access_token").asText(), 1).get("session_id").asText());
                lock.executeQuery().close();
            }
            // The row stays locked past the refresh's 3 s lock timeout: a server-side failure, not the client's.
            refresh(refreshToken).then().statusCode(500).body("code", equalTo("unexpected_failure"));
            holder.rollback();
        }
        refresh(refreshToken).then().statusCode(200);
    }

    @Test
    void idleAndAbsoluteSessionLimitsEndSessions() throws Exception {
        JsonNode idle = AuthClient.confirmedSession(mailbox, "idle@example.com");
        exec("UPDATE identity.sessions SET refreshed_at = now() - interval '15 days' WHERE user_id = '"
                + idle.get("user").get("id").asText() + "'");
        refresh(idle.get("refresh_token").asText()).then().statusCode(400).body("code", equalTo("session_expired"));
        refresh(idle.get("refresh_token").asText()).then().statusCode(400).body("code", equalTo("refresh_token_not_found"));

        JsonNode old = JSON.readTree(signIn("idle@example.com", PASSWORD).then().statusCode(200).extract().asString());
        exec("UPDATE identity.sessions SET not_after = now() - interval '1 second' WHERE user_id = '"
                + old.get("user").get("id").asText() + "'");
        refresh(old.get("refresh_token").asText()).then().statusCode(400).body("code", equalTo("session_expired"));
    }

    @Test
    void aServiceRevokesARefreshTokenTheOAuthWay() throws Exception {
        JsonNode session = AuthClient.confirmedSession(mailbox, "revoked@example.com");
        given().auth().preemptive().basic("admin-tool", "wrong").formParam("token", session.get("refresh_token").asText())
                .post("/oauth/revoke").then().statusCode(401).body("error", equalTo("invalid_client"));
        given().auth().preemptive().basic("admin-tool", "test-admin-secret").formParam("token", session.get("refresh_token").asText())
                .formParam("token_type_hint", "refresh_token").post("/oauth/revoke").then().statusCode(200);
        refresh(session.get("refresh_token").asText()).then().statusCode(400).body("code", equalTo("refresh_token_not_found"));
        given().auth().preemptive().basic("admin-tool", "test-admin-secret").formParam("token", "never-issued")
                .post("/oauth/revoke").then().statusCode(200);
        given().auth().preemptive().basic("admin-tool", "test-admin-secret").formParam("token", session.get("access_token").asText())
                .formParam("token_type_hint", "access_token").post("/oauth/revoke").then().statusCode(400)
                .body("error", equalTo("unsupported_token_type"));
    }

    @Test
    void aHashWithOlderParametersIsUpgradedAtSignIn() throws Exception {
        AuthClient.confirmedSession(mailbox, "old.hash@example.com");
        setHash("old.hash@example.com", argon2id(PASSWORD, 4096, 1));
        signIn("old.hash@example.com", PASSWORD).then().statusCode(200);
        assertTrue(hash("old.hash@example.com").startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash("old.hash@example.com"));
        signIn("old.hash@example.com", PASSWORD).then().statusCode(200);
    }

    @Test
    void settingsHealthAndCorsForBrowsers() {
        given().get("/auth/v1/settings").then().statusCode(200).body("external.email", equalTo(true))
                .body("mailer_autoconfirm", equalTo(false)).body("disable_signup", equalTo(false));
        given().get("/auth/v1/health").then().statusCode(200).body("name", equalTo("GoTrue"));
        given().header("Origin", "http://app.test").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "apikey,authorization,x-client-info,x-supabase-api-version,content-type")
                .options("/auth/v1/token").then().statusCode(200)
                .header("Access-Control-Allow-Origin", "http://app.test")
                .header("Access-Control-Allow-Headers", containsString("x-supabase-api-version"));
    }

    private static String argon2id(String password, int memoryKib, int iterations) {
        byte[] salt = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(1).withSalt(salt).build());
        byte[] out = new byte[32];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=1$" + b64.encodeToString(salt) + "$" + b64.encodeToString(out);
    }

    private void exec(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.executeUpdate();
        }
    }

    private void setHash(String email, String hash) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE identity.users SET encrypted_password = ? WHERE email = ?")) {
            s.setString(1, hash);
            s.setString(2, email);
            assertEquals(1, s.executeUpdate());
        }
    }

    private String hash(String email) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT encrypted_password FROM identity.users WHERE email = ?")) {
            s.setString(1, email);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getString(1);
            }
        }
    }
}
