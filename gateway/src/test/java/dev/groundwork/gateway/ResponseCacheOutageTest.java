package dev.groundwork.gateway;

import dev.groundwork.testsupport.ManagementInterface;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * Redis stops: a cacheable route's answers keep coming from its service (the cache fails open, counted); Redis
 * returns: answers are stored and served from the cache again.
 */
@QuarkusTest
@WithTestResource(value = PrivateRedis.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ResponseCacheOutageTest {

    @Test
    void answersKeepComingFromTheServiceWhileRedisIsDownAndAreCachedAgainAfter() throws Exception {
        String url = "/cached/outage-" + UUID.randomUUID().toString().substring(0, 8) + "?cc=max-age=60";
        given().get(url).then().statusCode(200).header("Cache-Status", "groundwork-gateway; fwd=uri-miss; stored").body("call", equalTo(1));

        PrivateRedis.redis.stop();
        for (int call = 2; call <= 4; call++) {
            given().get(url).then().statusCode(200)
                    .header("Cache-Status", "groundwork-gateway; fwd=bypass; detail=redis-unavailable").body("call", equalTo(call));
        }
        ManagementInterface.given().get("/q/metrics").then().body(containsString("gateway_cache_unavailable_total"));

        PrivateRedis.redis.restart();
        await().atMost(Duration.ofSeconds(15)).pollDelay(Duration.ofMillis(200)).pollInterval(Duration.ofMillis(200))
                .until(() -> given().get(url).then().extract().header("Cache-Status").startsWith("groundwork-gateway; hit"));
        given().get(url).then().header("Cache-Status", startsWith("groundwork-gateway; hit"));
    }
}
