package dev.groundwork.gateway;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged gateway refuses to start on a route access it does not know, naming the setting and the allowed
 * values: {@code GATEWAY_ROUTES_PAYMENTS_AUTH=admin} used to start and let any valid token through.
 */
class MisconfiguredRouteIT {

    @Test
    void anUnknownRouteAccessStopsTheStartWithAClearMessage() throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        Path log = Path.of("target/misconfigured-route.log").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("GATEWAY_ROUTES_PAYMENTS_AUTH", "admin");
        builder.environment().put("QUARKUS_HTTP_PORT", "0");
        builder.environment().put("QUARKUS_MANAGEMENT_PORT", "0");
        Process gateway = builder.start();
        boolean exited = gateway.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            gateway.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(exited, "the gateway kept running with auth=admin:\n" + output);
        assertNotEquals(0, gateway.exitValue());
        assertTrue(output.contains("gateway.routes.payments.auth: 'admin' is not a route access: use public, user or role:<name>"), output);
    }
}
