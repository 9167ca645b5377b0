package dev.groundwork.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.groundwork.auth.service.BootstrapAdmin;
import dev.groundwork.testsupport.CapturedLog;
import io.agroal.api.AgroalDataSource;
import io.quarkus.mailer.MockMailbox;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.groundwork.auth.AuthClient.JSON;
import static dev.groundwork.auth.AuthClient.PASSWORD;
import static dev.groundwork.auth.AuthClient.authJs;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Passwords (the first admin's too), hashes, refresh tokens, client secrets and the private key never reach the log (at DEBUG). */
@QuarkusTest
class NoSecretsInLogsTest {

    @Inject
    MockMailbox mailbox;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    BootstrapAdmin bootstrapAdmin;

    @Test
    void theLogHoldsNoSecret() throws Exception {
        // Everything the application logs while this test runs (it runs in this JVM), at every level.
        try (CapturedLog log = CapturedLog.start()) {
            exercise(log);
        }
    }

    private void exercise(CapturedLog log) throws Exception {
        String email = "secretive@example.com";
        JsonNode session = AuthClient.confirmedSession(mailbox, email);
        String refreshed = AuthClient.refresh(session.get("refresh_token").asText()).then().statusCode(200)
                .extract().path("refresh_token");
        AuthClient.signIn(email, "Wrong-password-123").then().statusCode(400);
        authJs().auth().oauth2(session.get("access_token").asText()).body(Map.of("password", "Another-pass-456"))
                .put("/auth/v1/user").then().statusCode(200);
        authJs().body("{\"password\": \"broken-json-789").post("/auth/v1/signup").then().statusCode(400);
        ServiceAccountsAndAdminTest.adminToken();
        // The first admin user, as AUTH_BOOTSTRAP_ADMIN_* make it at start, and a configured password the policy refuses.
        bootstrapAdmin.ensure("bootstrap.secretive@example.com", "Bootstrap-pass-246");
        assertThrows(IllegalStateException.class, () -> bootstrapAdmin.ensure("bootstrap.weak@example.com", "weakbootstrappass"));

        List<String> secrets = new ArrayList<>(List.of(PASSWORD, "Wrong-password-123", "Another-pass-456", "broken-json-789",
                "test-admin-secret", "Bootstrap-pass-246", "weakbootstrappass", session.get("refresh_token").asText(), refreshed));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT encrypted_password FROM identity.users WHERE email = '" + email + "'")) {
            r.next();
            String hash = r.getString(1);
            secrets.add(hash.substring(hash.lastIndexOf('$') + 1));
        }
        secrets.add(JSON.readTree(Files.readString(Path.of("target/auth-data/signing-keys.json"))).get("keys").get(0).get("d").asText());

        String text = log.text();
        assertTrue(text.contains("Failed sign-in for user"), "the application's DEBUG log is captured: " + text);
        for (String secret : secrets) {
            assertFalse(text.contains(secret), "a secret is in the log: " + secret.substring(0, 3) + "…");
        }
    }
}
