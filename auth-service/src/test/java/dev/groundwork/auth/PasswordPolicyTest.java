package dev.groundwork.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.quarkus.mailer.MockMailbox;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.groundwork.auth.AuthClient.PASSWORD;
import static dev.groundwork.auth.AuthClient.authJs;
import static dev.groundwork.auth.AuthClient.signIn;
import static dev.groundwork.auth.AuthClient.signUp;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Common leaked passwords and the account's own address are refused with GoTrue's {@code weak_password} 422, reason
 * {@code pwned}, wherever a password is set. Before, {@code password1} and the e-mail itself were accepted.
 */
@QuarkusTest
class PasswordPolicyTest {

    private static final String PWNED = "Password is known to be weak and easy to guess, please choose a different one.";

    @Inject
    MockMailbox mailbox;
    @Inject
    AgroalDataSource dataSource;

    @Test
    void commonPasswordsAndTheAddressAreRefusedAtSignUp() throws Exception {
        String before = Rows.one(dataSource, Rows.USERS);
        for (String password : List.of("password1", "Password1", "qwerty123", "1q2w3e4r5t", "lovelace1815",
                "Lovelace1815@Example.com")) {
            signUp("lovelace1815@example.com", password).then().statusCode(422).header("x-sb-error-code", "weak_password")
                    .body("code", equalTo("weak_password")).body("message", equalTo(PWNED))
                    .body("weak_password.reasons", equalTo(List.of("pwned")));
        }
        assertEquals(before, Rows.one(dataSource, Rows.USERS), "no user was made");
        // The length and character rules still come first, with their own reasons.
        signUp("lovelace1815@example.com", "pass1").then().statusCode(422).body("weak_password.reasons", equalTo(List.of("length")));
        signUp("lovelace1815@example.com", PASSWORD).then().statusCode(200);
    }

    @Test
    void commonPasswordsAreRefusedOnChangeAndByTheAdminApi() throws Exception {
        JsonNode session = AuthClient.confirmedSession(mailbox, "changing.pw@example.com");
        authJs().auth().oauth2(session.get("access_token").asText()).body(Map.of("password", "password123"))
                .put("/auth/v1/user").then().statusCode(422).body("weak_password.reasons", equalTo(List.of("pwned")));
        authJs().auth().oauth2(session.get("access_token").asText()).body(Map.of("password", "changing.pw"))
                .put("/auth/v1/user").then().statusCode(422);
        signIn("changing.pw@example.com", PASSWORD).then().statusCode(200);

        String admin = ServiceAccountsAndAdminTest.adminToken();
        given().auth().oauth2(admin).contentType("application/json")
                .body(Map.of("email", "made.by.admin@example.com", "password", "welcome123", "email_confirm", true))
                .post("/auth/v1/admin/users").then().statusCode(422).body("error_code", equalTo("weak_password"));
        given().auth().oauth2(admin).contentType("application/json")
                .body(Map.of("email", "made.by.admin@example.com", "password", "made.by.admin@example.com", "email_confirm", true))
                .post("/auth/v1/admin/users").then().statusCode(422).body("error_code", equalTo("weak_password"));
    }
}
