package dev.groundwork.gateway;

import dev.groundwork.testsupport.ManagementInterface;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * Redis stops: rate-limited routes fail open (the upstream here is down, so an open request is a 502 and a
 * refused one would be a 429 or 503), the metric counts it, and the gateway stays ready (out of the load balancer it
 * would drop every route, not only the limits); Redis returns: limits apply again.
 */
@QuarkusTest
@WithTestResource(value = PrivateRedis.class, scope = TestResourceScope.MATCHING_RESOURCES)
class RateLimitOutageTest {

    @Test
    void limitsFailOpenWhileRedisIsDownAndApplyAgainAfter() throws Exception {
        given().get("/limited/a").then().statusCode(502).header("RateLimit", notNullValue());

        PrivateRedis.redis.stop();
        for (int i = 0; i < 5; i++) {
            given().get("/limited/a").then().statusCode(502).header("RateLimit", nullValue());
        }
        ManagementInterface.given().get("/q/metrics").then().body(containsString("gateway_rate_limit_unavailable_total"));
        ManagementInterface.given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'Redis connection (rate limits)' }.data.redis", equalTo("unreachable"))
                .body("checks.find { it.name == 'Redis connection (rate limits)' }.data.rateLimits", equalTo("failing open"));

        PrivateRedis.redis.restart();
        await().atMost(Duration.ofSeconds(15)).pollDelay(Duration.ofMillis(200)).pollInterval(Duration.ofMillis(200))
                .until(() -> given().get("/limited/a").then().extract().statusCode() == 429);
        given().get("/limited/a").then().statusCode(429).header("RateLimit", containsString("\"tiny\";r=0"));
        ManagementInterface.given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'Redis connection (rate limits)' }.data.redis", equalTo("reachable"));
    }
}
