package dev.groundwork.auth;

import dev.groundwork.testsupport.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;

/**
 * Registers real Postgres and Redis for every test of this module (not only this class), so that Quarkus
 * starts once for the whole module.
 */
@QuarkusTestResource(RealInfrastructure.class)
public class TestInfrastructure {
}
