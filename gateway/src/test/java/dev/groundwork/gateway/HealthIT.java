package dev.groundwork.gateway;

import dev.groundwork.testsupport.ProductionLogs;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

/** The same contract against the packaged jar, in the prod profile. */
@QuarkusIntegrationTest
class HealthIT extends HealthTest {

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
