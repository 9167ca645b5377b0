package dev.groundwork.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.mailer.MockMailbox;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static dev.groundwork.auth.AuthClient.JSON;
import static dev.groundwork.auth.AuthClient.PASSWORD;
import static dev.groundwork.auth.AuthClient.authJs;
import static dev.groundwork.auth.AuthClient.refresh;
import static dev.groundwork.auth.AuthClient.signIn;
import static dev.groundwork.auth.AuthClient.signUp;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole life of a user as auth-js drives it, with every JSON checked against GoTrue's shapes. */
@QuarkusTest
class AuthCycleTest {

    /** GoTrue's user JSON (models/user.go) for a confirmed, signed-in e-mail user; optional fields omitted when empty. */
    static final List<String> CONFIRMED_USER_FIELDS = List.of("id", "aud", "role", "email", "email_confirmed_at", "phone",
            "confirmation_sent_at", "confirmed_at", "last_sign_in_at", "app_metadata", "user_metadata", "identities",
            "created_at", "updated_at", "is_anonymous");
    static final List<String> SESSION_FIELDS = List.of("access_token", "token_type", "expires_in", "expires_at", "refresh_token", "user");
    static final List<String> IDENTITY_FIELDS = List.of("identity_id", "id", "user_id", "identity_data", "provider",
            "last_sign_in_at", "created_at", "updated_at", "email");
    static final List<String> CLAIMS = List.of("iss", "sub", "aud", "exp", "iat", "email", "phone", "app_metadata",
            "user_metadata", "role", "aal", "amr", "session_id", "is_anonymous");

    @Inject
    MockMailbox mailbox;

    @Test
    void signUpConfirmSignInUseRefreshReplayReuseAndSignOut() throws Exception {
        String email = "ada.cycle@example.com";

        // Sign up: confirmations are on, so the answer is the user (no session) and a mail goes out.
        JsonNode signedUp = JSON.readTree(signUp(email, PASSWORD).then().statusCode(200).extract().asString());
        assertEquals(List.of("id", "aud", "role", "email", "phone", "confirmation_sent_at", "app_metadata", "user_metadata",
                "identities", "created_at", "updated_at", "is_anonymous"), fields(signedUp));
        assertEquals("authenticated", signedUp.get("aud").asText());
        assertEquals(email, signedUp.get("email").asText());
        assertEquals("", signedUp.get("phone").asText());
        assertEquals(JSON.readTree("{\"provider\":\"email\",\"providers\":[\"email\"]}"), signedUp.get("app_metadata"));
        assertEquals("Ada", signedUp.get("user_metadata").get("name").asText());
        assertFalse(signedUp.get("identities").get(0).get("identity_data").get("email_verified").asBoolean());

        // Not confirmed yet.
        signIn(email, PASSWORD).then().statusCode(400).header("x-sb-error-code", "email_not_confirmed")
                .body("code", equalTo("email_not_confirmed")).body("message", equalTo("Email not confirmed"));

        // The link in the mail confirms and redirects to the app with a session in the fragment.
        String location = given().redirects().follow(false)
                .get("/auth/v1/verify?type=signup&redirect_to=http://app.test/welcome&token=" + AuthClient.mailedToken(mailbox, email))
                .then().statusCode(303).extract().header("Location");
        assertTrue(location.startsWith("http://app.test/welcome#access_token="), location);
        assertTrue(location.contains("&refresh_token=") && location.contains("&token_type=bearer&type=signup"), location);

        // Sign in.
        JsonNode session = JSON.readTree(signIn(email, PASSWORD).then().statusCode(200).extract().asString());
        assertEquals(SESSION_FIELDS, fields(session));
        assertEquals("bearer", session.get("token_type").asText());
        assertEquals(900, session.get("expires_in").asInt());
        assertTrue(Math.abs(session.get("expires_at").asLong() - (System.currentTimeMillis() / 1000 + 900)) < 5);
        JsonNode user = session.get("user");
        assertEquals(CONFIRMED_USER_FIELDS, fields(user));
        assertEquals(user.get("email_confirmed_at"), user.get("confirmed_at"));
        JsonNode identity = user.get("identities").get(0);
        assertEquals(IDENTITY_FIELDS, fields(identity));
        assertEquals(user.get("id"), identity.get("user_id"));
        assertEquals("email", identity.get("provider").asText());
        assertTrue(identity.get("identity_data").get("email_verified").asBoolean());

        // The access token: ES256 with a kid, Supabase's claims, our pinned issuer.
        String accessToken = session.get("access_token").asText();
        JsonNode header = AuthClient.jwtPart(accessToken, 0);
        assertEquals("ES256", header.get("alg").asText());
        assertTrue(header.hasNonNull("kid"));
        JsonNode claims = AuthClient.jwtPart(accessToken, 1);
        assertTrue(fields(claims).containsAll(CLAIMS), "claims: " + fields(claims));
        assertEquals("http://localhost:8080/auth/v1", claims.get("iss").asText());
        assertEquals(user.get("id").asText(), claims.get("sub").asText());
        assertEquals("authenticated", claims.get("aud").asText());
        assertEquals("authenticated", claims.get("role").asText());
        assertEquals("aal1", claims.get("aal").asText());
        assertEquals("password", claims.get("amr").get(0).get("method").asText());
        assertEquals(900, claims.get("exp").asLong() - claims.get("iat").asLong());

        // Get and update the user.
        authJs().auth().oauth2(accessToken).get("/auth/v1/user").then().statusCode(200).body("id", equalTo(user.get("id").asText()))
                .body("email", equalTo(email));
        JsonNode updated = JSON.readTree(authJs().auth().oauth2(accessToken).body(Map.of("data", Map.of("theme", "dark")))
                .put("/auth/v1/user").then().statusCode(200).extract().asString());
        assertEquals(CONFIRMED_USER_FIELDS, fields(updated));
        assertEquals(JSON.readTree("{\"name\":\"Ada\",\"theme\":\"dark\"}"), updated.get("user_metadata"));

        // Refresh rotates the refresh token.
        String first = session.get("refresh_token").asText();
        JsonNode refreshed = JSON.readTree(refresh(first).then().statusCode(200).extract().asString());
        assertEquals(SESSION_FIELDS, fields(refreshed));
        String second = refreshed.get("refresh_token").asText();
        assertNotEquals(first, second);
        assertEquals("dark", AuthClient.jwtPart(refreshed.get("access_token").asText(), 1).get("user_metadata").get("theme").asText());

        // A second tab replays the first token within the grace window: it gets the current token, not an error.
        refresh(first).then().statusCode(200).body("refresh_token", equalTo(second));

        // After the grace window the same replay is a reuse: the whole session ends.
        Thread.sleep(2_100);
        refresh(first).then().statusCode(400).header("x-sb-error-code", "refresh_token_already_used")
                .body("code", equalTo("refresh_token_already_used")).body("message", equalTo("Invalid Refresh Token: Already Used"));
        refresh(second).then().statusCode(400).body("code", equalTo("refresh_token_not_found"));
        authJs().auth().oauth2(refreshed.get("access_token").asText()).get("/auth/v1/user").then().statusCode(403)
                .body("code", equalTo("session_not_found"));

        // Sign out, each scope.
        JsonNode a = session(email);
        JsonNode b = session(email);
        JsonNode c = session(email);
        logout(a, "others");
        refresh(b.get("refresh_token").asText()).then().statusCode(400).body("code", equalTo("refresh_token_not_found"));
        refresh(c.get("refresh_token").asText()).then().statusCode(400).body("code", equalTo("refresh_token_not_found"));
        JsonNode aRefreshed = JSON.readTree(refresh(a.get("refresh_token").asText()).then().statusCode(200).extract().asString());
        logout(aRefreshed, "local");
        refresh(aRefreshed.get("refresh_token").asText()).then().statusCode(400).body("code", equalTo("refresh_token_not_found"));
        JsonNode d = session(email);
        JsonNode e = session(email);
        logout(d, "global");
        refresh(e.get("refresh_token").asText()).then().statusCode(400).body("code", equalTo("refresh_token_not_found"));
        authJs().auth().oauth2(d.get("access_token").asText()).get("/auth/v1/user").then().statusCode(403)
                .body("code", equalTo("session_not_found"));
    }

    private static JsonNode session(String email) throws Exception {
        return JSON.readTree(signIn(email, PASSWORD).then().statusCode(200).extract().asString());
    }

    private static void logout(JsonNode session, String scope) {
        authJs().auth().oauth2(session.get("access_token").asText()).post("/auth/v1/logout?scope=" + scope)
                .then().statusCode(204);
    }

    static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
