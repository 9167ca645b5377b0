package dev.groundwork.monitoring.service.alerts;

import dev.groundwork.monitoring.repository.AlertRepository;
import dev.groundwork.monitoring.service.WarningOncePerMinute;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Spike rules: every {@code monitoring.alerting.spike-check-every}, the issues with a rule's {@code spike-events} or
 * more events received in its last {@code spike-minutes} fire it, once per issue within its throttle. Every replica
 * checks; the throttle's upsert lets one of them fire.
 */
@ApplicationScoped
public class SpikeEvaluator {

    @Inject
    AlertRules rules;
    @Inject
    AlertRepository repository;
    @Inject
    Alerts alerts;

    private final WarningOncePerMinute warnings = new WarningOncePerMinute(SpikeEvaluator.class);

    @Scheduled(every = "${monitoring.alerting.spike-check-every}", delayed = "10S", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            evaluate();
        } catch (RuntimeException e) {
            warnings.warnf("Spike rules could not be checked, trying again at the next check: %s", e.getMessage());
        }
    }

    /** Checks every spike rule now; returns the spikes found (fired or throttled). Public for tests. */
    public int evaluate() {
        int found = 0;
        for (AlertRules.Rule rule : rules.withTrigger(AlertRules.SPIKE)) {
            for (AlertRepository.SpikeRow spike : repository.spikes(rule.project().orElse(null), rule.environment().orElse(null),
                    rule.spikeMinutes(), rule.spikeEvents())) {
                alerts.spike(rule, spike);
                found++;
            }
        }
        return found;
    }
}
