package dev.groundwork.cache;

import dev.groundwork.cache.service.NamespaceStats;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin API: role admin, problem+json, namespaces, tokens (plaintext once, hashed, revocable), policies, stats. */
@QuarkusTest
class AdminApiTest {

    @Inject
    Redis redis;
    @Inject
    NamespaceStats stats;

    static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + AuthStub.adminToken()).contentType(ContentType.JSON);
    }

    @Test
    void onlyAdminsGetIn() {
        given().get("/cache/v1/admin/namespaces").then().statusCode(401)
                .contentType(containsString("application/problem+json")).body("status", equalTo(401));
        given().header("Authorization", "Bearer " + AuthStub.userToken()).get("/cache/v1/admin/namespaces").then().statusCode(403)
                .contentType(containsString("application/problem+json"));
        // A namespace token is not an admin token.
        given().header("Authorization", "Bearer " + AuthStub.ALPHA_RW).get("/cache/v1/admin/namespaces").then().statusCode(401);
        admin().get("/cache/v1/admin/namespaces").then().statusCode(200)
                .body("name", hasItem("alpha")).body("find { it.name == 'alpha' }.declared", equalTo(true))
                .body("find { it.name == 'tight' }.policy.maxKeys", equalTo(5))
                .body("find { it.name == 'alpha' }.keyPrefix", equalTo("cache:alpha:"));
    }

    @Test
    void aNamespaceFromCreationToDeletion() {
        admin().body(Map.of("name", "orders", "policy", Map.of("defaultTtl", "PT5M", "maxTtl", "PT1H"))).post("/cache/v1/admin/namespaces")
                .then().statusCode(201).body("name", equalTo("orders")).body("policy.defaultTtlSeconds", equalTo(300));
        admin().body(Map.of("name", "orders")).post("/cache/v1/admin/namespaces").then().statusCode(409)
                .contentType(containsString("application/problem+json"));
        String rw = admin().body(Map.of("access", "read-write", "label", "checkout")).post("/cache/v1/admin/namespaces/orders/tokens")
                .then().statusCode(201).body("token", startsWith("gwc_")).extract().path("token");
        String rw2 = admin().body(Map.of()).post("/cache/v1/admin/namespaces/orders/tokens").then().statusCode(201).extract().path("token");
        String ro = admin().body(Map.of("access", "read-only")).post("/cache/v1/admin/namespaces/orders/tokens")
                .then().statusCode(201).extract().path("token");
        // Several tokens at once; the list never shows a token or its hash.
        String listed = admin().get("/cache/v1/admin/namespaces/orders/tokens").then().statusCode(200)
                .body("size()", equalTo(3)).body("access", hasItem("read-only")).extract().asString();
        assertFalse(listed.contains(rw) || listed.contains(rw2) || listed.contains(ro) || listed.contains("Hash"), listed);

        Upstash.command(rw, "SET", "order:1", "paid").statusCode(200);
        Upstash.command(rw2, "GET", "order:1").statusCode(200).body("result", equalTo("paid"));
        Upstash.command(ro, "GET", "order:1").statusCode(200).body("result", equalTo("paid"));
        Upstash.command(ro, "SET", "order:1", "x").statusCode(403);
        long ttl = RawRedis.ttl(redis, "cache:orders:order:1");
        assertTrue(ttl > 250 && ttl <= 300, "TTL " + ttl);

        // Policy update applies to the next command.
        admin().body(Map.of("defaultTtl", "PT2M")).put("/cache/v1/admin/namespaces/orders/policy").then().statusCode(200)
                .body("policy.defaultTtlSeconds", equalTo(120)).body("policy.maxTtlSeconds", equalTo(3600));
        Upstash.command(rw, "SET", "order:2", "new").statusCode(200);
        assertTrue(RawRedis.ttl(redis, "cache:orders:order:2") <= 120);
        admin().body(Map.of("commands", List.of("scripting"))).put("/cache/v1/admin/namespaces/orders/policy").then().statusCode(400)
                .body("detail", containsString("never allowed"));
        admin().body(Map.of("defaultTtl", "PT2H")).put("/cache/v1/admin/namespaces/orders/policy").then().statusCode(400);

        // Revoking one token leaves the others working.
        String id = admin().get("/cache/v1/admin/namespaces/orders/tokens").then().extract().path("find { it.label == 'checkout' }.id");
        admin().delete("/cache/v1/admin/namespaces/orders/tokens/" + id).then().statusCode(204);
        Upstash.command(rw, "GET", "order:1").statusCode(401);
        Upstash.command(rw2, "GET", "order:1").statusCode(200);

        // Stats.
        Upstash.command(rw2, "GET", "missing").statusCode(200);
        stats.count();
        admin().get("/cache/v1/admin/namespaces/orders/stats").then().statusCode(200)
                .body("namespace", equalTo("orders"))
                .body("commands.write", greaterThanOrEqualTo(2))
                .body("commands.read", greaterThanOrEqualTo(3))
                .body("hits", greaterThanOrEqualTo(2))
                .body("misses", greaterThanOrEqualTo(1))
                .body("refusals.command", greaterThanOrEqualTo(1))
                .body("keys", equalTo(2))
                .body("approximateBytes", org.hamcrest.Matchers.greaterThan(0));

        // Deleting the namespace removes its tokens and keys.
        admin().delete("/cache/v1/admin/namespaces/orders").then().statusCode(204);
        Upstash.command(rw2, "GET", "order:1").statusCode(401);
        assertTrue(RawRedis.keys(redis, "cache:orders:*").isEmpty());
        admin().get("/cache/v1/admin/namespaces/orders").then().statusCode(404).contentType(containsString("application/problem+json"));
    }

    @Test
    void badAdminInputIsAProblem() {
        for (String name : List.of("Upper", "with:colon", "star*", "", "a".repeat(64))) {
            admin().body(Map.of("name", name)).post("/cache/v1/admin/namespaces").then().statusCode(400)
                    .contentType(containsString("application/problem+json"));
        }
        admin().body("{not json").post("/cache/v1/admin/namespaces").then().statusCode(400)
                .contentType(containsString("application/problem+json"));
        admin().body(Map.of("access", "superuser")).post("/cache/v1/admin/namespaces/alpha/tokens").then().statusCode(400);
        admin().delete("/cache/v1/admin/namespaces/alpha/tokens/00000000-0000-0000-0000-000000000000").then().statusCode(404);
        admin().get("/cache/v1/admin/namespaces/nope/stats").then().statusCode(404);
    }

    @Test
    void theEvictionPolicyIsShownAndSettingItIsOffByDefault() {
        admin().get("/cache/v1/admin/redis/eviction").then().statusCode(200)
                .body("policy", notNullValue()).body("source", equalTo("CONFIG GET")).body("settable", equalTo(false));
        admin().body(Map.of("policy", "volatile-lru")).put("/cache/v1/admin/redis/eviction").then().statusCode(403)
                .contentType(containsString("application/problem+json"));
    }

    @Inject
    dev.groundwork.cache.service.Namespaces namespaces;

    /** A token that came from configuration and is no longer configured (a rotated Secret) stops working at the next start. */
    @Test
    void aTokenDroppedFromConfigurationIsRevokedAndAdminTokensStay() {
        String dropped = admin().body(Map.of("label", "was in the Secret")).post("/cache/v1/admin/namespaces/beta/tokens")
                .then().statusCode(201).extract().path("token");
        String id = admin().body(Map.of("label", "made by an admin")).post("/cache/v1/admin/namespaces/beta/tokens")
                .then().statusCode(201).extract().path("id");
        String kept = admin().get("/cache/v1/admin/namespaces/beta/tokens").then().extract().path("find { it.id == '" + id + "' }.id");
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> dev.groundwork.cache.repository.NamespaceToken
                .update("origin = 'config' where label = 'was in the Secret'"));
        Upstash.command(dropped, "GET", "k").statusCode(200);
        namespaces.declare();
        namespaces.reload();
        Upstash.command(dropped, "GET", "k").statusCode(401);
        Upstash.command(AuthStub.BETA_RW, "GET", "k").statusCode(200);
        admin().get("/cache/v1/admin/namespaces/beta/tokens").then()
                .body("find { it.id == '" + kept + "' }.revokedAt", org.hamcrest.Matchers.nullValue())
                .body("find { it.label == 'was in the Secret' }.revokedAt", notNullValue());
    }

    @Test
    void declaredNamespacesKeepTheirConfiguredTokensHashed() {
        admin().get("/cache/v1/admin/namespaces/alpha/tokens").then().statusCode(200)
                .body("origin", everyItem(equalTo("config")))
                .body("access", hasItem("read-only"))
                .body(not(containsString(AuthStub.ALPHA_RW)));
    }
}
