package dev.groundwork.monitoring;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;

/** libs/events' dead-letter endpoint is for the role admin: no token 401, a token without the role 403. */
@QuarkusTest
class DeadLettersAccessTest {

    @Test
    void noOneGetsInWithoutAnAdminIdentity() {
        given().get("/admin/events/dead-letters").then().statusCode(401);
        given().header("Authorization", "Bearer whatever").get("/admin/events/dead-letters").then().statusCode(401);
        given().auth().oauth2(AuthStub.userToken()).get("/admin/events/dead-letters").then().statusCode(403);
        given().auth().oauth2(AuthStub.serviceToken("monitoring:alpha")).get("/admin/events/dead-letters").then().statusCode(403);
        // An admin gets through: this service consumes no events, so there is no dead-letter stream to list.
        given().auth().oauth2(AuthStub.adminToken()).get("/admin/events/dead-letters").then().statusCode(404)
                .body("title", org.hamcrest.Matchers.equalTo("No consumer"));
        given().post("/admin/events/dead-letters/1700000000000-0/replay").then().statusCode(401);
    }
}
