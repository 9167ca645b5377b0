package dev.groundwork.auth;

import dev.groundwork.testsupport.ProductionLogs;
import dev.groundwork.testsupport.RandomManagementPort;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

/** The same contract against the packaged jar, in the prod profile. */
@QuarkusIntegrationTest
@WithTestResource(RandomManagementPort.class)
class HealthIT extends HealthTest {

    @Override
    protected int managementPort() {
        return RandomManagementPort.port();
    }

    @Test
    void productionLogsAreJson() throws Exception {
        ProductionLogs.assertJsonLines("auth-service");
    }

    /** With a RedisDataSource injected, Quarkus 3.33.2 built the default client twice and Micrometer warned at start. */
    @Test
    void aNormalStartLogsNoWarning() throws Exception {
        ProductionLogs.assertCleanStart("auth-service");
    }
}
