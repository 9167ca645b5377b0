package dev.groundwork.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A free port for the management interface of the packaged service a {@code @QuarkusIntegrationTest} starts. Quarkus
 * gives that jar a random HTTP port but leaves the management interface on its prod port (9000), which would clash
 * with anything else on the machine; {@code quarkus.management.test-port} only applies to {@code @QuarkusTest}.
 * Use with {@code @WithTestResource(RandomManagementPort.class)}; {@link #port()} says where it listens.
 */
public class RandomManagementPort implements QuarkusTestResourceLifecycleManager {

    private static volatile int port;

    @Override
    public Map<String, String> start() {
        try {
            port = RedisServerProcess.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("quarkus.management.port", String.valueOf(port));
    }

    @Override
    public void stop() {
    }

    /** The port the packaged service's management interface listens on. */
    public static int port() {
        if (port == 0) {
            throw new IllegalStateException("RandomManagementPort has not started: annotate the test with @WithTestResource(RandomManagementPort.class)");
        }
        return port;
    }
}
