package dev.groundwork.auth;

import io.agroal.api.AgroalDataSource;
import io.quarkus.mailer.MockMailbox;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static dev.groundwork.auth.AuthClient.PASSWORD;
import static dev.groundwork.auth.AuthClient.authJs;
import static dev.groundwork.auth.AuthClient.signIn;
import static dev.groundwork.auth.AuthClient.signUp;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each refusal with GoTrue's status and code, and with no user or session row changed. */
@QuarkusTest
class AuthErrorsTest {

    @Inject
    MockMailbox mailbox;
    @Inject
    AgroalDataSource dataSource;

    @Test
    void wrongPasswordAndUnknownUserGetTheSameAnswer() throws Exception {
        AuthClient.confirmedSession(mailbox, "wrong.pw@example.com");
        unchanged(() -> {
            signIn("wrong.pw@example.com", "not-the-password-1").then().statusCode(400)
                    .header("x-sb-error-code", "invalid_credentials").header("X-Supabase-Api-Version", "2024-01-01")
                    .body("code", equalTo("invalid_credentials")).body("message", equalTo("Invalid login credentials"));
            signIn("nobody@example.com", "not-the-password-1").then().statusCode(400)
                    .body("code", equalTo("invalid_credentials")).body("message", equalTo("Invalid login credentials"));
        }, "SELECT count(*) FROM identity.sessions");
    }

    @Test
    void olderClientsGetTheOldErrorFormat() {
        given().contentType("application/json").body(Map.of("email", "nobody@example.com", "password", "x1"))
                .post("/auth/v1/token?grant_type=password").then().statusCode(400)
                .header("x-sb-error-code", "invalid_credentials")
                .body("code", equalTo(400)).body("error_code", equalTo("invalid_credentials"))
                .body("msg", equalTo("Invalid login credentials"));
    }

    @Test
    void aLockedAccountIsSlowedDownThenABannedOneRefused() throws Exception {
        AuthClient.confirmedSession(mailbox, "locked@example.com");
        for (int i = 0; i < 5; i++) {
            authJs().header("X-Forwarded-For", "198.51.100." + i).body(Map.of("email", "locked@example.com", "password", "guess-" + i + "x"))
                    .post("/auth/v1/token?grant_type=password").then().statusCode(400);
        }
        // After five failures the account must wait, even with the right password and from a fresh IP.
        unchanged(() -> authJs().header("X-Forwarded-For", "198.51.100.51").body(Map.of("email", "locked@example.com", "password", PASSWORD))
                .post("/auth/v1/token?grant_type=password").then().statusCode(429)
                .header("x-sb-error-code", "over_request_rate_limit").header("Retry-After", notNullValue())
                .body("code", equalTo("over_request_rate_limit")), "SELECT count(*) FROM identity.sessions");

        exec("UPDATE identity.users SET banned_until = now() + interval '1 day', failed_sign_ins = 0 WHERE email = 'banned@example.com'");
        AuthClient.confirmedSession(mailbox, "banned@example.com");
        exec("UPDATE identity.users SET banned_until = now() + interval '1 day' WHERE email = 'banned@example.com'");
        unchanged(() -> signIn("banned@example.com", PASSWORD).then().statusCode(400).body("code", equalTo("user_banned")),
                "SELECT count(*) FROM identity.sessions");
    }

    @Test
    void oneIpGuessingManyAccountsIsSlowedDown() {
        int status = 0;
        for (int i = 0; i < 40 && status != 429; i++) {
            status = authJs().header("X-Forwarded-For", "203.0.113.7").body(Map.of("email", "spray" + i + "@example.com", "password", "guess-1x"))
                    .post("/auth/v1/token?grant_type=password").then().extract().statusCode();
        }
        assertEquals(429, status, "the IP's bucket (30 failures) runs dry");
        authJs().header("X-Forwarded-For", "203.0.113.8").body(Map.of("email", "spray0@example.com", "password", "guess-1x"))
                .post("/auth/v1/token?grant_type=password").then().statusCode(400);
    }

    /**
     * Production's chain: client → load balancer → ingress controller (both in the test profile's trusted
     * 10.99.0.0/16) → gateway (the loopback peer) → auth-service. Each client has its own bucket, so failures from
     * one address never lock out another's correct sign-in.
     */
    @Test
    void behindSeveralTrustedProxiesEachClientHasItsOwnBucket() throws Exception {
        AuthClient.confirmedSession(mailbox, "behind.lb@example.com");
        int status = 0;
        for (int i = 0; i < 40 && status != 429; i++) {
            status = authJs().header("X-Forwarded-For", "198.51.100.77, 10.99.0.4, 10.99.7.9")
                    .body(Map.of("email", "lb-spray" + i + "@example.com", "password", "guess-1x"))
                    .post("/auth/v1/token?grant_type=password").then().extract().statusCode();
        }
        assertEquals(429, status, "the guessing client's bucket runs dry");
        authJs().header("X-Forwarded-For", "192.0.2.44, 10.99.0.4, 10.99.7.9")
                .body(Map.of("email", "behind.lb@example.com", "password", PASSWORD))
                .post("/auth/v1/token?grant_type=password").then().statusCode(200);
        // The guessing client cannot leave its bucket by writing another address in front of its own: its next
        // guesses meet its own (dry) bucket at once, where a fresh bucket would take dozens. A few attempts, not one,
        // because the bucket refills a token every few seconds and a correct sign-in (Argon2) just took some time.
        status = 0;
        for (int i = 0; i < 3 && status != 429; i++) {
            status = authJs().header("X-Forwarded-For", "192.0.2.44, 198.51.100.77, 10.99.0.4, 10.99.7.9")
                    .body(Map.of("email", "lb-spray-again" + i + "@example.com", "password", "guess-1x"))
                    .post("/auth/v1/token?grant_type=password").then().extract().statusCode();
        }
        assertEquals(429, status, "the spoofed address in front is not a bucket of its own");
    }

    @Test
    void weakPasswordsAreRefusedWithReasons() throws Exception {
        unchanged(() -> {
            signUp("weak@example.com", "short1").then().statusCode(422).header("x-sb-error-code", "weak_password")
                    .body("code", equalTo("weak_password")).body("message", equalTo("Password should be at least 8 characters."))
                    .body("weak_password.reasons", hasItems("length"));
            signUp("weak@example.com", "onlyletterslong").then().statusCode(422)
                    .body("weak_password.reasons", hasItems("characters"));
        }, "SELECT count(*) FROM identity.users");
    }

    @Test
    void aDuplicateSignUpCreatesNothing() throws Exception {
        AuthClient.confirmedSession(mailbox, "twice@example.com");
        int mails = mailbox.getMailsSentTo("twice@example.com").size();
        unchanged(() -> signUp("twice@example.com", PASSWORD).then().statusCode(200)
                        .body("identities.size()", equalTo(0)).body("email", equalTo("twice@example.com")),
                "SELECT count(*) FROM identity.users");
        assertEquals(mails, mailbox.getMailsSentTo("twice@example.com").size(), "no mail to the account's owner");

        signUp("pending@example.com", PASSWORD).then().statusCode(200);
        unchanged(() -> signUp("pending@example.com", PASSWORD).then().statusCode(422)
                .body("code", equalTo("user_already_exists")).body("message", equalTo("User already registered")),
                "SELECT count(*) FROM identity.users");
    }

    @Test
    void malformedAndOversizeBodiesAreRefused() throws Exception {
        unchanged(() -> {
            authJs().body("{\"email\": \"broken@example.com\", ").post("/auth/v1/signup").then().statusCode(400)
                    .header("x-sb-error-code", "bad_json").body("code", equalTo("bad_json"));
            authJs().body("{\"email\": \"broken@example.com\", \"password\": 12345678}").post("/auth/v1/signup").then()
                    .statusCode(400).body("code", equalTo("validation_failed"));
            authJs().body(Map.of("email", "not-an-address", "password", PASSWORD)).post("/auth/v1/signup").then()
                    .statusCode(400).body("code", equalTo("email_address_invalid"));
            authJs().body(Map.of("email", "big@example.com", "password", PASSWORD, "data", Map.of("blob", "x".repeat(70_000))))
                    .post("/auth/v1/signup").then().statusCode(413).body("code", equalTo("validation_failed"));
        }, "SELECT count(*) FROM identity.users");
    }

    @Test
    void requestsWithoutAValidTokenAreRefused() {
        authJs().get("/auth/v1/user").then().statusCode(401).body("code", equalTo("no_authorization"));
        authJs().auth().oauth2("not.a.jwt").get("/auth/v1/user").then().statusCode(403).body("code", equalTo("bad_jwt"));
    }

    private void unchanged(Runnable action, String countQuery) throws Exception {
        String before = snapshot();
        long count = count(countQuery);
        action.run();
        assertEquals(count, count(countQuery), countQuery);
        assertEquals(before, snapshot(), "no user or session row changed");
    }

    /** Every user and session row except what a refused sign-in is meant to change (the failure counter). */
    private String snapshot() throws Exception {
        return query("SELECT coalesce(string_agg(u::text, '|' ORDER BY id), '') FROM (SELECT id, email, encrypted_password,"
                + " email_confirmed_at, raw_user_meta_data, banned_until FROM identity.users) u")
                + query("SELECT coalesce(string_agg(s::text, '|' ORDER BY id), '') FROM identity.sessions s");
    }

    private long count(String sql) throws Exception {
        return Long.parseLong(query(sql));
    }

    private String query(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    private void exec(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

}
