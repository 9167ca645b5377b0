package dev.groundwork.monitoring;

import dev.groundwork.monitoring.service.ServiceHealthChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the {@link ServiceHealthChanged} events fired, as an alert rule would observe them. */
@ApplicationScoped
public class HealthChanges {

    private final List<ServiceHealthChanged> seen = new CopyOnWriteArrayList<>();

    void on(@Observes ServiceHealthChanged change) {
        seen.add(change);
    }

    public List<ServiceHealthChanged> of(String service) {
        return seen.stream().filter(change -> change.service().equals(service)).toList();
    }
}
