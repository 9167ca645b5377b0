package dev.groundwork.gateway.health;

import dev.groundwork.gateway.client.Upstreams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.Locale;

/**
 * Each service's circuit state in the readiness details, always UP: a failing service must not take the whole
 * gateway out of rotation (its routes answer 503 on their own), and liveness never looks at services.
 */
@Readiness
@ApplicationScoped
public class UpstreamsHealthCheck implements HealthCheck {

    @Inject
    Upstreams upstreams;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Upstream services").up();
        upstreams.breakers().forEach((upstream, breaker) -> response.withData(upstream, breaker.state().name().toLowerCase(Locale.ROOT)));
        return response.build();
    }
}
