package dev.groundwork.auth;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.Map;

import static dev.groundwork.auth.AuthClient.signUp;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SMTP down (a real mailer pointed at a port nobody listens on): sign-up answers GoTrue's 500 "Error sending
 * confirmation email" and leaves nothing behind — no user, no token, no event — so the same sign-up works once
 * mail is back. Before, the user stayed without a confirmation mail and could neither confirm nor sign up again.
 * Recovery answers {@code {}} all the same: its mail goes out after the answer.
 */
@QuarkusTest
@TestProfile(MailOutageTest.SmtpDown.class)
class MailOutageTest {

    public static class SmtpDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.mailer.mock", "false", "quarkus.mailer.host", "127.0.0.1",
                    "quarkus.mailer.port", String.valueOf(closedPort()));
        }

        private static int closedPort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aSignUpWhoseMailCannotBeSentIsUndoneWithGoTruesError() throws Exception {
        String email = "smtp.down@example.com";
        String rows = "SELECT (SELECT count(*) FROM identity.users) || '/' || (SELECT count(*) FROM identity.one_time_tokens)"
                + " || '/' || (SELECT count(*) FROM identity.event_outbox) || '/' || (SELECT count(*) FROM identity.users WHERE email = ?)";
        String before = Rows.one(dataSource, rows, email);
        signUp(email, AuthClient.PASSWORD).then().statusCode(500)
                .header("x-sb-error-code", "unexpected_failure")
                .body("code", equalTo("unexpected_failure")).body("message", equalTo("Error sending confirmation email"));
        assertEquals(before, Rows.one(dataSource, rows, email), "users / one-time tokens / outbox events / this user");
        // Nothing half-made blocks the next try: the same answer, not "User already registered".
        signUp(email, AuthClient.PASSWORD).then().statusCode(500).body("message", equalTo("Error sending confirmation email"));
    }

    /**
     * {@code /recover} answers before its mail is made, so a known address gets an unknown one's {@code {}} even when
     * the mail cannot be sent (the failure goes to the log). Before, the known address answered 500 "Error sending
     * recovery email" after waiting for SMTP: which addresses have accounts showed in the answer and in its time.
     */
    @Test
    void recoveryAnswersTheSameWhetherOrNotItsMailCanBeSent() {
        String known = "smtp.down.known@example.com";
        given().auth().oauth2(ServiceAccountsAndAdminTest.adminToken()).contentType("application/json")
                .body(Map.of("email", known, "password", AuthClient.PASSWORD, "email_confirm", true))
                .post("/auth/v1/admin/users").then().statusCode(200);
        for (String address : new String[] {known, "smtp.down.unknown@example.com"}) {
            AuthClient.authJs().body(Map.of("email", address)).post("/auth/v1/recover").then().statusCode(200).body(equalTo("{}"));
        }
    }
}
