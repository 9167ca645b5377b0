package dev.groundwork.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.quarkus.mailer.MockMailbox;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.groundwork.auth.AuthClient.PASSWORD;
import static dev.groundwork.auth.AuthClient.authJs;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code user_metadata} goes into every access token: it is capped at {@code auth.user-metadata-max-bytes} (16 KiB) of
 * JSON on sign-up, on update and in the admin API, with 422 {@code validation_failed}. Before, 60 KB of it was accepted
 * and copied into every token.
 */
@QuarkusTest
class UserMetadataLimitTest {

    private static final String TOO_LARGE = "user_metadata cannot be larger than 16384 bytes";

    @Inject
    AgroalDataSource dataSource;
    @Inject
    MockMailbox mailbox;

    @Test
    void aSignUpWithTooMuchMetadataIsRefused() throws Exception {
        String before = Rows.one(dataSource, Rows.USERS);
        authJs().body(Map.of("email", "hoarder@example.com", "password", PASSWORD, "data", Map.of("blob", "x".repeat(20_000))))
                .post("/auth/v1/signup").then().statusCode(422).header("x-sb-error-code", "validation_failed")
                .body("code", equalTo("validation_failed")).body("message", equalTo(TOO_LARGE));
        assertEquals(before, Rows.one(dataSource, Rows.USERS), "no user was made");
        authJs().body(Map.of("email", "hoarder@example.com", "password", PASSWORD, "data", Map.of("blob", "x".repeat(10_000))))
                .post("/auth/v1/signup").then().statusCode(200);
    }

    @Test
    void anUpdateThatMakesTheMetadataTooLargeChangesNothing() throws Exception {
        JsonNode session = AuthClient.confirmedSession(mailbox, "growing@example.com");
        String token = session.get("access_token").asText();
        authJs().auth().oauth2(token).body(Map.of("data", Map.of("notes", "n".repeat(10_000)))).put("/auth/v1/user").then().statusCode(200);
        // Each part is small; merged with what is stored, it is too large. The password in the same request stays unchanged.
        authJs().auth().oauth2(token).body(Map.of("data", Map.of("more", "m".repeat(10_000)), "password", "Another-horse-77"))
                .put("/auth/v1/user").then().statusCode(422).body("code", equalTo("validation_failed")).body("message", equalTo(TOO_LARGE));
        AuthClient.signIn("growing@example.com", PASSWORD).then().statusCode(200);
        JsonNode user = AuthClient.JSON.readTree(authJs().auth().oauth2(token).get("/auth/v1/user").then().statusCode(200).extract().asString());
        assertTrue(user.get("user_metadata").has("notes"));
        assertTrue(!user.get("user_metadata").has("more"), "the refused part was not stored");
        // Removing a key (null) makes room again.
        Map<String, Object> removeNotes = new java.util.HashMap<>();
        removeNotes.put("notes", null);
        removeNotes.put("more", "m".repeat(10_000));
        authJs().auth().oauth2(token).body(Map.of("data", removeNotes)).put("/auth/v1/user").then().statusCode(200);
    }

    @Test
    void theAdminApiIsCappedToo() {
        String admin = ServiceAccountsAndAdminTest.adminToken();
        given().auth().oauth2(admin).contentType("application/json")
                .body(Map.of("email", "admin.hoarder@example.com", "email_confirm", true, "user_metadata", Map.of("blob", "x".repeat(20_000))))
                .post("/auth/v1/admin/users").then().statusCode(422).body("error_code", equalTo("validation_failed"));
    }
}
