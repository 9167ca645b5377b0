package dev.groundwork.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.mailer.MockMailbox;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.groundwork.auth.AuthClient.PASSWORD;
import static dev.groundwork.auth.AuthClient.authJs;
import static dev.groundwork.auth.AuthClient.signIn;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/**
 * libs/events' dead-letter endpoint is for the role {@code admin} of {@code app_metadata.roles}, read from our own
 * tokens (rest/BearerAuthentication), as quarkus-oidc reads it in the other services. Before, it needed no login.
 */
@QuarkusTest
class DeadLettersAccessTest {

    private static final String DEAD_LETTERS = "/admin/events/dead-letters";
    private static final String REPLAY = DEAD_LETTERS + "/1700000000000-0/replay";

    @Inject
    MockMailbox mailbox;

    @Test
    void withoutAValidTokenTheAnswerIs401() {
        given().get(DEAD_LETTERS).then().statusCode(401).header("WWW-Authenticate", "Bearer");
        given().post(REPLAY).then().statusCode(401);
        given().header("Authorization", "Bearer not.a.token").get(DEAD_LETTERS).then().statusCode(401);
        given().header("Authorization", "Basic YWRtaW4tdG9vbDp0ZXN0LWFkbWluLXNlY3JldA==").get(DEAD_LETTERS).then().statusCode(401);
    }

    @Test
    void aUserWithoutTheAdminRoleGets403() throws Exception {
        String token = AuthClient.confirmedSession(mailbox, "not.an.admin@example.com").get("access_token").asText();
        given().auth().oauth2(token).get(DEAD_LETTERS).then().statusCode(403);
        given().auth().oauth2(token).post(REPLAY).then().statusCode(403);
    }

    @Test
    void anAdminUserAndAnAdminServiceAccountAreLetIn() throws Exception {
        String service = ServiceAccountsAndAdminTest.adminToken();
        given().auth().oauth2(service).get(DEAD_LETTERS).then().statusCode(200)
                .body("group", equalTo("auth-service")).body("stream", equalTo("events:dead:auth-service"));

        JsonNode session = AuthClient.confirmedSession(mailbox, "ops.admin@example.com");
        String userId = session.get("user").get("id").asText();
        authJs().auth().oauth2(service).body(Map.of("app_metadata", Map.of("roles", List.of("admin"))))
                .put("/auth/v1/admin/users/" + userId).then().statusCode(200);
        String admin = signIn("ops.admin@example.com", PASSWORD).then().statusCode(200).extract().path("access_token");
        given().auth().oauth2(admin).get(DEAD_LETTERS).then().statusCode(200);
        given().auth().oauth2(admin).post(REPLAY).then().statusCode(404).contentType("application/problem+json");
    }
}
