package dev.groundwork.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.mailer.MockMailbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.groundwork.auth.AuthClient.PASSWORD;
import static dev.groundwork.auth.AuthClient.authJs;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mails per address, as GoTrue limits them ({@code auth.email.max-frequency}, 60 s here): one recovery mail per address
 * and window, one e-mail change mail per user. Before, six {@code /recover} in 0.4 s sent six mails.
 */
@QuarkusTest
class MailFrequencyTest {

    private static final String LIMITED = "For security purposes, you can only request this after \\d+ seconds\\.";

    @Inject
    MockMailbox mailbox;

    @Test
    void aSecondRecoveryWithinTheWindowIsRefusedForKnownAndUnknownAddressesAlike() {
        String known = "often.forgetful@example.com";
        AuthClient.signUp(known, PASSWORD).then().statusCode(200);
        for (String address : new String[] {known, "never.registered@example.com"}) {
            recover(address).then().statusCode(200).body(equalTo("{}"));
            for (int i = 0; i < 5; i++) {
                recover(address).then().statusCode(429).header("x-sb-error-code", "over_email_send_rate_limit")
                        .header("Retry-After", matchesPattern("[1-9][0-9]*"))
                        .body("code", equalTo("over_email_send_rate_limit")).body("message", matchesPattern(LIMITED));
            }
        }
        // The address in another case is the same address.
        recover("Often.Forgetful@Example.com").then().statusCode(429);
        AuthClient.awaitedToken(mailbox, known, "recovery");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> recoveryMails(known) == 1);
    }

    /**
     * The answer for a known address is the one for an unknown address, and its mail still arrives. The work for the
     * known one (token, mail) is done after answering: before, it answered 2–10× later (MailOutageTest shows the
     * answer no longer depends on the mail).
     */
    @Test
    void knownAndUnknownAddressesGetTheSameAnswerAndTheKnownOneItsMail() throws Exception {
        String known = "same.answer@example.com";
        String unknown = "no.such.person@example.com";
        AuthClient.signUp(known, PASSWORD).then().statusCode(200);
        Response forKnown = recover(known);
        Response forUnknown = recover(unknown);
        assertEquals(forUnknown.statusCode(), forKnown.statusCode());
        assertEquals(forUnknown.contentType(), forKnown.contentType());
        assertEquals("{}", forKnown.asString());
        assertEquals(forUnknown.asString(), forKnown.asString());

        String token = AuthClient.awaitedToken(mailbox, known, "recovery");
        authJs().body(Map.of("type", "recovery", "token_hash", token)).post("/auth/v1/verify").then().statusCode(200)
                .body("user.email", equalTo(known));
        assertTrue(mailbox.getMailsSentTo(unknown).isEmpty(), "no mail to an unknown address");
    }

    @Test
    void aSecondEmailChangeWithinTheWindowIsRefused() throws Exception {
        JsonNode session = AuthClient.confirmedSession(mailbox, "restless@example.com");
        String token = session.get("access_token").asText();
        authJs().auth().oauth2(token).body(Map.of("email", "restless.new@example.com")).put("/auth/v1/user").then().statusCode(200)
                .body("new_email", equalTo("restless.new@example.com"));
        authJs().auth().oauth2(token).body(Map.of("email", "restless.other@example.com")).put("/auth/v1/user").then().statusCode(429)
                .body("code", equalTo("over_email_send_rate_limit")).body("message", matchesPattern(LIMITED));
        assertTrue(mailbox.getMailsSentTo("restless.other@example.com").isEmpty());
        // Nothing changed: the pending change is still the first one.
        authJs().auth().oauth2(token).get("/auth/v1/user").then().statusCode(200).body("new_email", equalTo("restless.new@example.com"));
    }

    private long recoveryMails(String address) {
        return mailbox.getMailsSentTo(address).stream().filter(mail -> mail.getText().contains("&type=recovery&")).count();
    }

    private static Response recover(String email) {
        return authJs().body(Map.of("email", email)).post("/auth/v1/recover");
    }
}
