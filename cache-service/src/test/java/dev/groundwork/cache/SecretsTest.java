package dev.groundwork.cache;

import dev.groundwork.testsupport.CapturedLog;
import dev.groundwork.testsupport.ManagementInterface;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Namespace tokens never reach a log line, a metric or an error body. */
@QuarkusTest
class SecretsTest {

    static final String GUESSED = "guessed-Token-ThatMustNotBeEchoed-777";

    @Test
    void tokensAreNeverLoggedMeasuredOrEchoed() {
        StringBuilder bodies = new StringBuilder();
        String created;
        try (CapturedLog log = CapturedLog.start()) {
            bodies.append(Upstash.command(GUESSED, "GET", "k").statusCode(401).extract().asString());
            bodies.append(given().queryParam("_token", GUESSED).get("/cache/v1/redis/get/k").then().statusCode(401).extract().asString());
            bodies.append(Upstash.command(AuthStub.ALPHA_RO, "SET", "k", AuthStub.ALPHA_RW).statusCode(403).extract().asString());
            bodies.append(Upstash.command(AuthStub.ALPHA_RW, "FLUSHALL").extract().asString());
            bodies.append(Upstash.command(AuthStub.ALPHA_RW, "NOPE", AuthStub.ALPHA_RW).extract().asString());
            bodies.append(Upstash.raw(AuthStub.ALPHA_RW, "[\"SET\", \"" + AuthStub.ALPHA_RW).extract().asString());
            created = AdminApiTest.admin().body(Map.of("access", "read-only")).post("/cache/v1/admin/namespaces/beta/tokens")
                    .then().statusCode(201).extract().path("token");
            bodies.append(Upstash.command(created, "GET", "k").statusCode(200).extract().asString());
            String metrics = ManagementInterface.given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
            for (String secret : List.of(GUESSED, AuthStub.ALPHA_RW, AuthStub.ALPHA_RO, AuthStub.BETA_RW, created)) {
                assertFalse(log.text().contains(secret), "a token is in the log");
                assertFalse(metrics.contains(secret), "a token is in the metrics");
                assertFalse(bodies.toString().contains(secret), "a token is in an answer: " + bodies);
            }
            assertFalse(metrics.contains("gwc_"));
        }
    }
}
