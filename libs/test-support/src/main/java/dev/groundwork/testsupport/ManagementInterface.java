package dev.groundwork.testsupport;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Requests to the management interface (health, metrics, OpenAPI) of the service a {@code @QuarkusTest} runs: Quarkus
 * binds it to a random port ({@code quarkus.management.test-port=0}) and records the port it got under that name.
 */
public final class ManagementInterface {

    private ManagementInterface() {
    }

    public static int port() {
        return ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
    }

    /** {@code given()} aimed at {@code port}. */
    public static RequestSpecification given(int port) {
        return RestAssured.given().baseUri("http://localhost").port(port);
    }

    /** {@code given()} aimed at the management interface of the service under test. */
    public static RequestSpecification given() {
        return given(port());
    }
}
