package dev.groundwork.payment;

import dev.groundwork.testsupport.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;

/**
 * Registers real Postgres and Redis, and the Stripe stub, for every test of this module (not only this class), so that Quarkus
 * starts once for the whole module.
 */
@QuarkusTestResource(RealInfrastructure.class)
@QuarkusTestResource(dev.groundwork.payment.stripe.StripeStub.class)
public class TestInfrastructure {
}
