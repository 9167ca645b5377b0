package dev.groundwork.monitoring;

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
        ProductionLogs.assertJsonLines("monitoring-service");
    }

    @Test
    void aNormalStartLogsNoWarning() throws Exception {
        ProductionLogs.assertCleanStart("monitoring-service");
    }
}
