package dev.groundwork.monitoring.service.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.groundwork.monitoring.client.WebhookClient;
import dev.groundwork.monitoring.config.MonitoringConfig;
import dev.groundwork.monitoring.repository.AlertRepository;
import dev.groundwork.monitoring.repository.AlertRepository.DeliveryRow;
import dev.groundwork.monitoring.service.WarningOncePerMinute;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends pending alert deliveries: each second, the due ones (claimed with {@code FOR UPDATE SKIP LOCKED}, so replicas
 * share them) are POSTed to their rule's webhook. A failure (5xx, 408, 429, timeout, no connection) is tried again
 * after an exponential backoff with jitter, or a 429's Retry-After, up to {@code monitoring.alerting.max-attempts};
 * then, or at once for a 4xx that says the webhook is gone or refuses the payload, the delivery is marked failed.
 * Logged at WARN at most: an ERROR would become an event of our own project, and could fire an alert that fails too.
 */
@ApplicationScoped
public class AlertDispatcher {

    /** How long past the POST's timeout a claimed delivery stays with this replica before another may take it over. */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);
    static final String RULE_GONE = "the rule is no longer configured";

    @Inject
    AlertRepository repository;
    @Inject
    AlertRules rules;
    @Inject
    WebhookClient webhooks;
    @Inject
    MonitoringConfig config;
    @Inject
    ObjectMapper json;
    @Inject
    MeterRegistry meters;

    private final WarningOncePerMinute warnings = new WarningOncePerMinute(AlertDispatcher.class);

    @Scheduled(every = "1S", delayed = "5S", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            dispatch();
        } catch (RuntimeException e) {
            warnings.warnf("Alert deliveries could not be read, trying again every second: %s", e.getMessage());
        }
    }

    /** Sends the due deliveries; returns how many were tried. Public for tests. */
    public int dispatch() {
        List<DeliveryRow> due = repository.claimDue(config.alerting().batchSize(), config.alerting().timeout().plus(LEASE_MARGIN));
        for (DeliveryRow delivery : due) {
            try {
                send(delivery);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return due.size(); // shutting down: the lease passes and the rest are sent again
            } catch (RuntimeException e) {
                // Not the receiver's doing (our facts, Postgres): recorded like a failed attempt, so that it cannot loop.
                boolean last = delivery.attempts() >= config.alerting().maxAttempts();
                repository.attemptFailed(delivery.id(), null, "not sent: " + e.getClass().getSimpleName(), last ? null
                        : Instant.now().plus(backoff(delivery.attempts(), config.alerting().backoff(), config.alerting().maxBackoff())));
                Log.warnf("Alert delivery %d of rule %s could not be sent: %s", delivery.id(), delivery.rule(), e.toString());
            }
        }
        return due.size();
    }

    /** Finished deliveries after the retention, and throttles older than every rule's window. */
    @Scheduled(every = "1H", delayed = "1M", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void forgetOld() {
        try {
            Duration longest = rules.all().stream().map(AlertRules.Rule::throttle).max(Duration::compareTo).orElse(Duration.ZERO);
            Instant now = Instant.now();
            repository.deleteOld(now.minus(config.retention()), now.minus(longest).minus(Duration.ofHours(1)));
        } catch (RuntimeException e) {
            Log.warnf("Old alert deliveries could not be deleted, trying again in an hour: %s", e.getMessage());
        }
    }

    private void send(DeliveryRow delivery) throws InterruptedException {
        AlertRules.Rule rule = rules.named(delivery.rule()).orElse(null);
        if (rule == null) {
            repository.attemptFailed(delivery.id(), null, RULE_GONE, null);
            meters.counter("monitoring_alert_deliveries_failed_total", "rule", delivery.rule()).increment();
            Log.warnf("Alert delivery %d failed: rule %s is no longer configured", delivery.id(), delivery.rule());
            return;
        }
        WebhookClient.Result result = webhooks.post(rule.webhook(), body(delivery), Long.toString(delivery.id()));
        if (result.delivered()) {
            repository.delivered(delivery.id(), result.status());
            meters.counter("monitoring_alert_deliveries_sent_total", "rule", rule.name()).increment();
            Log.debugf("Alert delivery %s of rule %s sent (attempt %s)", (Object) delivery.id(), rule.name(), delivery.attempts());
            return;
        }
        meters.counter("monitoring_alert_attempts_failed_total", "rule", rule.name()).increment();
        if (!result.retryable() || delivery.attempts() >= config.alerting().maxAttempts()) {
            repository.attemptFailed(delivery.id(), result.status(), result.error(), null);
            meters.counter("monitoring_alert_deliveries_failed_total", "rule", rule.name()).increment();
            Log.warnf("Alert delivery %d of rule %s failed after %d attempt(s), given up (docs/runbooks.md): %s", delivery.id(), rule.name(),
                    delivery.attempts(), result.error());
            return;
        }
        Duration wait = result.retryAfter() != null ? result.retryAfter()
                : backoff(delivery.attempts(), config.alerting().backoff(), config.alerting().maxBackoff());
        repository.attemptFailed(delivery.id(), result.status(), result.error(), Instant.now().plus(wait));
        Log.infof("Alert delivery %d of rule %s failed (attempt %d), tried again in %d ms: %s", delivery.id(), rule.name(),
                delivery.attempts(), wait.toMillis(), result.error());
    }

    private byte[] body(DeliveryRow delivery) {
        try {
            AlertFacts facts = json.readValue(delivery.facts(), AlertFacts.class);
            return json.writeValueAsBytes(AlertPayloads.slack(facts, delivery.id(), config.publicBaseUrl()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("alert delivery " + delivery.id() + " holds unreadable facts", e);
        }
    }

    /** After the n-th failed attempt: base × 2^(n-1), at most {@code max}, then a random half of it taken off (jitter). */
    static Duration backoff(int attempt, Duration base, Duration max) {
        long exponential = base.toMillis() << Math.min(Math.max(attempt - 1, 0), 30);
        long capped = Math.min(exponential <= 0 ? max.toMillis() : exponential, max.toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }
}
