package dev.groundwork.monitoring;

import dev.groundwork.testsupport.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;

/**
 * Registers real Postgres and Redis, auth-service's stub with the tests' projects, and the alert rules' webhook
 * receiver, for every test of this module (not only this class), so that Quarkus starts once for the whole module.
 */
@QuarkusTestResource(RealInfrastructure.class)
@QuarkusTestResource(AuthStub.class)
@QuarkusTestResource(AlertReceiver.class)
public class TestInfrastructure {
}
