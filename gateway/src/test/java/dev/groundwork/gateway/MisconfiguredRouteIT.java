package dev.groundwork.gateway;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged gateway refuses to start on a route setting it cannot honour, naming the setting and what it takes.
 */
class MisconfiguredRouteIT {

    /** {@code GATEWAY_ROUTES_PAYMENTS_AUTH=admin} used to start and let any valid token through. */
    @Test
    void anUnknownRouteAccessStopsTheStartWithAClearMessage() throws Exception {
        String output = failedStart("misconfigured-route", Map.of("GATEWAY_ROUTES_PAYMENTS_AUTH", "admin"));
        assertTrue(output.contains("gateway.routes.payments.auth: 'admin' is not a route access: use public, user or role:<name>"), output);
    }

    /** Answers per user need a caller the edge verified: on a public route anyone could name any user. */
    @Test
    void aPerUserCacheOnAPublicRouteStopsTheStart() throws Exception {
        String output = failedStart("misconfigured-cache", Map.of("GATEWAY_ROUTES_OIDC_DISCOVERY_CACHE_PER_USER", "true"));
        assertTrue(output.contains("gateway.routes.oidc-discovery.cache.per-user needs the route's auth to be user or role:<name>"), output);
    }

    /** A path pattern that does not compile would otherwise turn the route off, or on for every path. */
    @Test
    void aPathPatternThatIsNoRegularExpressionStopsTheStart() throws Exception {
        String output = failedStart("misconfigured-path-pattern", Map.of("GATEWAY_ROUTES_SENTRY_PATH_PATTERN", "/api/[0-9+/envelope/"));
        assertTrue(output.contains("gateway.routes.sentry.path-pattern is not a regular expression: Unclosed character class"), output);
    }

    /** The gateway's output, once it has exited non-zero. */
    private static String failedStart(String name, Map<String, String> env) throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        Path log = Path.of("target/" + name + ".log").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", "0");
        builder.environment().put("QUARKUS_MANAGEMENT_PORT", "0");
        Process gateway = builder.start();
        boolean exited = gateway.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            gateway.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(exited, "the gateway kept running with " + env + ":\n" + output);
        assertNotEquals(0, gateway.exitValue());
        return output;
    }
}
