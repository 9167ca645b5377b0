package dev.groundwork.auth;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.groundwork.auth.AuthClient.authJs;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A body that is not JSON of an object gets GoTrue's {@code bad_json} with "Could not parse request body as JSON: "
 * and the kind of fault (issue 13, point 7): never Jackson's message, which named our classes, gave positions and
 * quoted the offending token — a password typed without quotes came back in the answer.
 */
@QuarkusTest
class BadJsonTest {

    private static final Map<String, String> FAULTS = Map.of(
            "{\"email\": \"cut@example.com\", ", "unexpected end of JSON input",
            "{\"email\": \"bare@example.com\", \"password\": hunter2secret}", "invalid JSON",
            "{\"email\": \"x@example.com\",, }", "invalid JSON",
            "[\"an\", \"array\"]", "the body must be a JSON object",
            "\"a string\"", "the body must be a JSON object");

    @Test
    void badJsonSaysWhatKindOfFaultAndNothingOfOurs() {
        for (Map.Entry<String, String> fault : FAULTS.entrySet()) {
            for (String path : List.of("/auth/v1/signup", "/auth/v1/token?grant_type=password")) {
                Response response = authJs().body(fault.getKey()).post(path);
                String answer = response.asString();
                assertEquals(400, response.statusCode(), answer);
                response.then().header("x-sb-error-code", "bad_json").body("code", equalTo("bad_json"))
                        .body("message", equalTo("Could not parse request body as JSON: " + fault.getValue()));
                for (String internal : List.of("hunter2secret", "jackson", "LinkedHashMap", "Map<", "line", "column",
                        "Unrecognized", "Unexpected", "Cannot deserialize", "dev.groundwork")) {
                    assertThat(fault.getKey() + " → " + answer, answer, not(containsString(internal)));
                }
            }
        }
    }
}
