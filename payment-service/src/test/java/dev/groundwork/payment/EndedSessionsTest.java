package dev.groundwork.payment;

import dev.groundwork.payment.stripe.StripeStub;
import dev.groundwork.sessions.RevokedSessions;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * A user's access token is refused once auth-service has ended its session (sign-out with scope=global, refresh-token
 * reuse, …), within the check interval, although its signature stays valid until it expires. Before libs/sessions,
 * payment-service accepted it until then.
 */
@QuarkusTest
class EndedSessionsTest {

    @Inject
    RevokedSessions sessions;

    @Test
    void aTokenOfAnEndedSessionIsRefusedAndOthersAreNot() {
        UUID user = UUID.randomUUID();
        UUID ended = UUID.randomUUID();
        String token = StripeStub.userToken(user, "ended@example.com", ended);
        String other = StripeStub.userToken(user, "ended@example.com", UUID.randomUUID());
        given().auth().oauth2(token).get("/payments/v1/subscription").then().statusCode(200);

        // What auth-service does when the session ends (AuthService.endSession).
        sessions.markEnded(ended.toString(), Duration.ofMinutes(16)).await().indefinitely();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                given().auth().oauth2(token).get("/payments/v1/subscription").then().statusCode(401)
                        .contentType("application/problem+json").body("status", equalTo(401)));
        given().auth().oauth2(other).get("/payments/v1/subscription").then().statusCode(200);
        given().auth().oauth2(StripeStub.adminToken()).get("/admin/payments/inbox").then().statusCode(200);
    }
}
