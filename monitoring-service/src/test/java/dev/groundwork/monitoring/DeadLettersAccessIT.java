package dev.groundwork.monitoring;

import dev.groundwork.testsupport.RandomManagementPort;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same refusals from the packaged service (the native executable in CI's native job), in the prod profile. */
@QuarkusIntegrationTest
@WithTestResource(RandomManagementPort.class)
class DeadLettersAccessIT extends DeadLettersAccessTest {
}
