package dev.groundwork.cache;

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
        ProductionLogs.assertJsonLines("cache-service");
    }

    /**
     * The test's Redis (a developer's or CI's) runs without maxmemory, which cache-service rightly reports with one WARN
     * (EvictionTest); every other warning still fails the start.
     */
    @Test
    void aNormalStartLogsNoWarning() throws Exception {
        ProductionLogs.assertCleanStart("cache-service", "dev.groundwork.cache.service.EvictionPolicy");
    }
}
