package dev.groundwork.payment;

import dev.groundwork.payment.stripe.StripeStub;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Error bodies say what the caller can act on and keep the rest in the log (issue 13, point 7): a body that is not
 * JSON of the expected shape gets one plain sentence, never Jackson's message, a class name or a position.
 */
@QuarkusTest
class ErrorBodiesTest {

    /** Broken JSON, JSON of another shape, fields of the wrong type. */
    private static final Map<String, List<String>> MALFORMED = Map.of(
            "/payments/v1/checkout-sessions", List.of("{\"plan\": ", "{\"plan\": {\"nested\": 1}}", "[1, 2]", "\"a string\"",
                    "{\"plan\": \"pro\", \"successUrl\": [\"x\"]}", "{\"plan\": \"pro\",, }", "nul"),
            "/payments/v1/portal-sessions", List.of("{\"returnUrl\": ", "{\"returnUrl\": {\"a\": 1}}", "[]", "{]"));

    @Test
    void aMalformedBodyIsAPlainProblem() {
        String token = StripeStub.userToken(UUID.randomUUID(), "malformed@example.com");
        for (Map.Entry<String, List<String>> malformed : MALFORMED.entrySet()) {
            String path = malformed.getKey();
            for (String body : malformed.getValue()) {
                var response = given().auth().oauth2(token).contentType("application/json").body(body).post(path);
                String answer = response.asString();
                assertEquals(400, response.statusCode(), body + " → " + answer);
                assertEquals("application/problem+json", response.contentType(), body + " → " + answer);
                response.then().body("detail", equalTo("the request body is not valid JSON of the expected shape"));
                for (String internal : List.of("jackson", "CheckoutRequest", "PortalRequest", "line", "column", "Cannot",
                        "Unexpected", "dev.groundwork", "java.")) {
                    org.hamcrest.MatcherAssert.assertThat(body + " → " + answer, answer, not(containsString(internal)));
                }
            }
        }
    }
}
