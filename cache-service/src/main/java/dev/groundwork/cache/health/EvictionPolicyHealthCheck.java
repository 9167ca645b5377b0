package dev.groundwork.cache.health;

import dev.groundwork.cache.service.EvictionPolicy;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The shared Redis' eviction settings as readiness detail. Always UP: an unsafe policy is the operator's to fix,
 * and taking cache-service out of rotation would not fix it (the WARN, the gauge and this detail say it).
 */
@Readiness
@ApplicationScoped
public class EvictionPolicyHealthCheck implements HealthCheck {

    @Inject
    EvictionPolicy eviction;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Redis eviction policy").up();
        try {
            EvictionPolicy.State state = eviction.current();
            response.withData("maxmemory-policy", String.valueOf(state.policy()))
                    .withData("maxmemory", state.maxmemory())
                    .withData("safe", state.safe());
            if (state.problem() != null) {
                response.withData("warning", state.problem());
            }
        } catch (RuntimeException e) {
            response.withData("warning", "could not be read: " + e.getMessage());
        }
        return response.build();
    }
}
