package dev.groundwork.payment;

import dev.groundwork.infra.RedisUrl;
import dev.groundwork.payment.stripe.StripeStub;
import dev.groundwork.testsupport.RedisConnection;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * libs/events' dead-letter endpoint as /admin/payments/* is guarded: the role admin of app_metadata.roles. Its
 * listing masks the e-mail address of a dead-lettered user.registered. Before, it needed no login and showed it.
 */
@QuarkusTest
class DeadLettersAccessTest {

    private static final String DEAD_LETTERS = "/admin/events/dead-letters";
    private static final String DEAD_STREAM = "events:dead:payment-service";

    @ConfigProperty(name = "quarkus.redis.hosts")
    String redisUrl;

    @Test
    void onlyAdminsListAndReplay() {
        given().get(DEAD_LETTERS).then().statusCode(401);
        given().post(DEAD_LETTERS + "/1700000000000-0/replay").then().statusCode(401);
        String user = StripeStub.userToken(UUID.randomUUID(), "someone@example.com");
        given().auth().oauth2(user).get(DEAD_LETTERS).then().statusCode(403);
        given().auth().oauth2(user).post(DEAD_LETTERS + "/1700000000000-0/replay").then().statusCode(403);
        given().auth().oauth2(StripeStub.adminToken()).get(DEAD_LETTERS).then().statusCode(200)
                .body("group", equalTo("payment-service"));
    }

    @Test
    void theListingMasksTheAddressOfADeadLetteredRegistration() throws Exception {
        String user = UUID.randomUUID().toString();
        String event = "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"urn:groundwork:identity\","
                + "\"type\":\"dev.groundwork.identity.user.registered.v1\",\"subject\":\"" + user + "\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"userId\":\"" + user + "\","
                + "\"email\":\"grace.hopper@example.com\",\"createdAt\":\"2026-01-01T00:00:00Z\"}}";
        String id;
        try (RedisConnection redis = RedisConnection.open(RedisUrl.parse(redisUrl))) {
            id = redis.call("XADD", DEAD_STREAM, "*", "stream", "events:identity", "entry", "1-0",
                    "type", "dev.groundwork.identity.user.registered.v1", "error", "Stripe refused grace.hopper@example.com",
                    "deliveries", "5", "failed_at", "2026-01-01T00:00:05Z", "event", event);
        }
        try {
            given().auth().oauth2(StripeStub.adminToken()).queryParam("limit", 1000).get(DEAD_LETTERS).then().statusCode(200)
                    .body("items.find { it.id == '" + id + "' }.event", containsString("\"email\":\"g***@example.com\""))
                    .body("items.find { it.id == '" + id + "' }.event", containsString(user))
                    .body("items.find { it.id == '" + id + "' }.error", equalTo("Stripe refused g***@example.com"))
                    .body(not(containsString("grace.hopper")));
        } finally {
            try (RedisConnection redis = RedisConnection.open(RedisUrl.parse(redisUrl))) {
                redis.call("XDEL", DEAD_STREAM, id);
            }
        }
    }
}
