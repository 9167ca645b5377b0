package dev.groundwork.payment;

import dev.groundwork.testsupport.ServiceEndpointsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class HealthTest extends ServiceEndpointsContract {
}
