package dev.groundwork.auth;

import dev.groundwork.testsupport.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Registers real Postgres and Redis for every test of this module (not only this class), so that Quarkus
 * starts once for the whole module; and a local signing key, also for the packaged jar in the prod profile.
 */
@QuarkusTestResource(RealInfrastructure.class)
@QuarkusTestResource(TestInfrastructure.LocalSigningKey.class)
public class TestInfrastructure {

    public static class LocalSigningKey implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("auth.generate-local-keys", "true", "auth.data-dir", "target/auth-data");
        }

        @Override
        public void stop() {
        }
    }
}
