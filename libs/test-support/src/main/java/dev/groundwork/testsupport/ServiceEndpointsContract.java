package dev.groundwork.testsupport;

import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * What every Groundwork service exposes to the platform team, whatever it does: the three health probes
 * (readiness covering Redis, and Postgres where the service has a schema), Prometheus metrics and its OpenAPI
 * document. Health and metrics live on Quarkus's management interface (its own port, which the Ingress never routes);
 * the routed port does not answer them. A service's {@code HealthTest} extends this under {@code @QuarkusTest}, and its
 * {@code HealthIT} runs the same against the packaged jar.
 */
public abstract class ServiceEndpointsContract {

    private final boolean hasDatabase = TestServers.needsDatabase();

    /** Where the management interface listens: the test port under {@code @QuarkusTest}; an {@code *IT} overrides it. */
    protected int managementPort() {
        return ManagementInterface.port();
    }

    private RequestSpecification management() {
        return ManagementInterface.given(managementPort());
    }

    @Test
    void managementEndpointsAreNotOnTheRoutedPort() {
        for (String path : new String[] {"/q/health", "/q/health/ready", "/q/metrics", "/q/openapi"}) {
            given().when().get(path).then().statusCode(404);
        }
    }

    @Test
    void livenessIsUpAndChecksNoDownstream() {
        management().when().get("/q/health/live")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", org.hamcrest.Matchers.not(hasItem(containsString("Redis"))));
    }

    @Test
    void readinessCoversRedisAndPostgres() {
        var ready = management().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Redis")));
        if (hasDatabase) {
            ready.body("checks.name", hasItem(containsString("Database")));
        }
    }

    @Test
    void startedProbeAnswers() {
        management().when().get("/q/health/started")
                .then().statusCode(200)
                .body("status", equalTo("UP"));
    }

    @Test
    void metricsAreInPrometheusFormat() {
        management().accept("text/plain").when().get("/q/metrics")
                .then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"))
                .body(containsString("process_uptime_seconds"));
    }

    @Test
    void openApiDocumentIsServed() {
        management().accept("application/json").when().get("/q/openapi")
                .then().statusCode(200)
                .body("openapi", org.hamcrest.Matchers.startsWith("3."))
                .body("info.title", containsString("Groundwork"));
    }
}
