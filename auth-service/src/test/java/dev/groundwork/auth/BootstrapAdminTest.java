package dev.groundwork.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.groundwork.auth.service.BootstrapAdmin;
import dev.groundwork.testsupport.CapturedLog;
import io.agroal.api.AgroalDataSource;
import io.quarkus.mailer.MockMailbox;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.groundwork.auth.AuthClient.PASSWORD;
import static dev.groundwork.auth.AuthClient.signIn;
import static dev.groundwork.auth.AuthClient.signUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first admin user from {@code AUTH_BOOTSTRAP_ADMIN_EMAIL} / {@code _PASSWORD}: created at start, confirmed, with
 * the {@code admin} role in its tokens; a second start changes nothing; an existing user gets the role and keeps its
 * password; replicas starting together make one user; the password never reaches the log or an error message.
 */
@QuarkusTest
@TestProfile(BootstrapAdminTest.FirstAdmin.class)
class BootstrapAdminTest {

    static final String EMAIL = "first.admin@example.com";
    static final String ADMIN_PASSWORD = "First-admin-4711";

    public static class FirstAdmin implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Upper case as an operator might type it: stored and signed in with in lower case.
            return Map.of("auth.bootstrap-admin.email", "First.Admin@Example.com", "auth.bootstrap-admin.password", ADMIN_PASSWORD);
        }
    }

    @Inject
    BootstrapAdmin bootstrap;
    @Inject
    MockMailbox mailbox;
    @Inject
    AgroalDataSource dataSource;

    @Test
    void theAdminCreatedAtStartSignsInWithTheAdminRole() throws Exception {
        JsonNode session = AuthClient.JSON.readTree(signIn(EMAIL, ADMIN_PASSWORD).then().statusCode(200).extract().asString());
        JsonNode claims = AuthClient.jwtPart(session.get("access_token").asText(), 1);
        assertEquals(EMAIL, claims.get("email").asText());
        assertEquals(List.of("admin"), roles(claims.get("app_metadata")));
        String id = claims.get("sub").asText();
        // Made as the admin API makes users: the same audit entry and event.
        assertEquals("bootstrap-admin", Rows.one(dataSource, "SELECT string_agg(actor_id, ',') FROM identity.audit_log"
                + " WHERE action = 'user_signedup' AND user_id = ?::uuid", id));
        assertEquals("1", Rows.one(dataSource, "SELECT count(*) FROM identity.event_outbox"
                + " WHERE type = 'dev.groundwork.identity.user.registered.v1' AND subject = ?", id));
    }

    @Test
    void aSecondStartChangesNothingAndLogsNoPassword() throws Exception {
        String before = Rows.one(dataSource, "SELECT id || ' ' || encrypted_password || ' ' || raw_app_meta_data::text"
                + " FROM identity.users WHERE email = ?", EMAIL);
        String log;
        try (CapturedLog captured = CapturedLog.start()) {
            bootstrap.onStart(new StartupEvent());
            log = captured.text();
        }
        assertEquals(before, Rows.one(dataSource, "SELECT id || ' ' || encrypted_password || ' ' || raw_app_meta_data::text"
                + " FROM identity.users WHERE email = ?", EMAIL), "id, password hash and roles");
        assertEquals("1", Rows.one(dataSource, "SELECT count(*) FROM identity.users WHERE lower(email) = ?", EMAIL));
        signIn(EMAIL, ADMIN_PASSWORD).then().statusCode(200);
        assertTrue(log.contains("exists with the admin role"), "the second run is captured: " + log);
        assertFalse(log.contains(ADMIN_PASSWORD), "the password is in the log");
    }

    @Test
    void anExistingUserGetsTheRoleAndKeepsItsPassword() throws Exception {
        String email = "promoted@example.com";
        AuthClient.confirmedSession(mailbox, email);
        UUID id = bootstrap.ensure(email, "Not-its-password-1");
        JsonNode claims = AuthClient.jwtPart(signIn(email, PASSWORD).then().statusCode(200).extract().path("access_token"), 1);
        assertEquals(id.toString(), claims.get("sub").asText());
        assertEquals(List.of("admin"), roles(claims.get("app_metadata")));
        assertEquals("email", claims.get("app_metadata").get("provider").asText(), "the rest of app_metadata is kept");
        signIn(email, "Not-its-password-1").then().statusCode(400);
        assertEquals("1", Rows.one(dataSource, "SELECT count(*) FROM identity.audit_log WHERE action = 'user_modified' AND user_id = ?::uuid",
                id.toString()));
    }

    /** Local runs: the password ./groundwork up prints signs in, also on a database an earlier checkout filled. */
    @Test
    void withResetPasswordAnExistingAdminGetsTheConfiguredPasswordOnce() throws Exception {
        String email = "local.admin@example.com";
        AuthClient.confirmedSession(mailbox, email);
        UUID id = bootstrap.ensure(email, "Printed-by-up-3", true);
        signIn(email, PASSWORD).then().statusCode(400);
        signIn(email, "Printed-by-up-3").then().statusCode(200);
        String modified = "SELECT count(*) FROM identity.audit_log WHERE action = 'user_modified' AND user_id = ?::uuid";
        String once = Rows.one(dataSource, modified, id.toString());
        bootstrap.ensure(email, "Printed-by-up-3", true);
        assertEquals(once, Rows.one(dataSource, modified, id.toString()), "a matching password is left alone");
    }

    @Test
    void anUnconfirmedUserWithTheAddressIsTakenOverWithTheConfiguredPassword() throws Exception {
        // Whoever signed up with the address never proved it: they must not get the role with their own password.
        String email = "squatter@example.com";
        signUp(email, PASSWORD).then().statusCode(200);
        bootstrap.ensure(email, "Configured-pass-2");
        signIn(email, PASSWORD).then().statusCode(400);
        JsonNode claims = AuthClient.jwtPart(signIn(email, "Configured-pass-2").then().statusCode(200).extract().path("access_token"), 1);
        assertEquals(List.of("admin"), roles(claims.get("app_metadata")));
    }

    @Test
    void replicasStartingTogetherMakeOneUser() throws Exception {
        String email = "race.admin@example.com";
        ExecutorService replicas = Executors.newFixedThreadPool(3);
        try {
            List<Callable<UUID>> starts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                starts.add(() -> bootstrap.ensure(email, ADMIN_PASSWORD));
            }
            List<UUID> ids = new ArrayList<>();
            for (Future<UUID> start : replicas.invokeAll(starts)) {
                ids.add(start.get());
            }
            assertEquals(1, ids.stream().distinct().count(), "every replica finds the same user: " + ids);
        } finally {
            replicas.shutdown();
        }
        assertEquals("1", Rows.one(dataSource, "SELECT count(*) FROM identity.users WHERE email = ?", email));
        assertEquals("1", Rows.one(dataSource, "SELECT count(*) FROM identity.audit_log a JOIN identity.users u ON u.id = a.user_id"
                + " WHERE a.action = 'user_signedup' AND u.email = ?", email));
    }

    @Test
    void aWeakPasswordStopsTheStartWithoutSayingIt() throws Exception {
        String email = "weak.admin@example.com";
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> bootstrap.ensure(email, "short1"));
        assertEquals("auth.bootstrap-admin.password (AUTH_BOOTSTRAP_ADMIN_PASSWORD) is refused by the password policy:"
                + " Password should be at least 8 characters.", refused.getMessage());
        IllegalStateException letters = assertThrows(IllegalStateException.class, () -> bootstrap.ensure(email, "onlyletters"));
        assertFalse(letters.getMessage().contains("onlyletters"), letters.getMessage());
        assertEquals("0", Rows.one(dataSource, "SELECT count(*) FROM identity.users WHERE email = ?", email));
    }

    private static List<String> roles(JsonNode appMetadata) {
        List<String> roles = new ArrayList<>();
        appMetadata.get("roles").forEach(role -> roles.add(role.asText()));
        return roles;
    }
}
