package dev.groundwork.gateway;

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
        ProductionLogs.assertJsonLines("gateway");
    }

    /** auth-service does not run in this test: quarkus-oidc saying so is expected, anything else is not. */
    @Test
    void aNormalStartLogsNoWarning() throws Exception {
        ProductionLogs.assertCleanStart("gateway", "io.quarkus.oidc");
    }
}
