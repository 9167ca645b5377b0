package dev.groundwork.cache;

import dev.groundwork.testsupport.ServiceEndpointsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class HealthTest extends ServiceEndpointsContract {
}
