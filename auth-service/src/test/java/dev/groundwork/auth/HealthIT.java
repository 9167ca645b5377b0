package dev.groundwork.auth;

import dev.groundwork.testsupport.ProductionLogs;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** The same contract against the packaged jar, in the prod profile. */
@QuarkusIntegrationTest
class HealthIT extends HealthTest {

    @Test
    void productionLogsAreJson() throws Exception {
        ProductionLogs.assertJsonLines("auth-service");
    }

    /**
     * Off until SignInThrottle takes the {@code Redis} client instead of {@code RedisDataSource}: in Quarkus 3.33.2
     * a RedisDataSource injection makes RedisClientRecorder build the default client twice (putIfAbsent of an
     * eagerly built client), and Micrometer warns "redis.pool.queue.size already registered" at every start.
     */
    @Test
    @Disabled("auth-service starts with Micrometer's redis.pool.queue.size warning, see the Javadoc")
    void aNormalStartLogsNoWarning() throws Exception {
        ProductionLogs.assertCleanStart("auth-service");
    }
}
