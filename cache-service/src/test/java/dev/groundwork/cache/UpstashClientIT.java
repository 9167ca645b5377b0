package dev.groundwork.cache;

import dev.groundwork.testsupport.RandomManagementPort;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The real @upstash/redis suite against the packaged service, in the prod profile (the native executable in CI's native job). */
@QuarkusIntegrationTest
@WithTestResource(RandomManagementPort.class)
class UpstashClientIT extends UpstashClientTest {
}
