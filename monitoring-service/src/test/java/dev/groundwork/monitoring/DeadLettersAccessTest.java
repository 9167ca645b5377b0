package dev.groundwork.monitoring;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.oneOf;

/**
 * libs/events' dead-letter endpoint is for the role admin; this service maps no token to roles yet (its issue brings
 * quarkus-oidc), so it refuses everyone rather than answering anyone: 403 while it has no authentication mechanism
 * to challenge with, 401 once it has one. Before, it answered anyone.
 */
@QuarkusTest
class DeadLettersAccessTest {

    @Test
    void noOneGetsInWithoutAnAdminIdentity() {
        given().get("/admin/events/dead-letters").then().statusCode(oneOf(401, 403));
        given().header("Authorization", "Bearer whatever").get("/admin/events/dead-letters").then().statusCode(oneOf(401, 403));
        given().post("/admin/events/dead-letters/1700000000000-0/replay").then().statusCode(oneOf(401, 403));
    }
}
