package dev.groundwork.monitoring.service.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.groundwork.http.Problem;
import dev.groundwork.monitoring.events.IssueEvents.IssueChange;
import dev.groundwork.monitoring.repository.AlertRepository;
import dev.groundwork.monitoring.repository.AlertRepository.DeliveryRow;
import dev.groundwork.monitoring.service.ApiErrors;
import dev.groundwork.monitoring.service.Issues;
import dev.groundwork.monitoring.service.ProjectAccess;
import dev.groundwork.monitoring.service.ServiceHealthChanged;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Fires alert rules: records a pending delivery for each rule that matches a cause, once per rule and subject within
 * the rule's throttle, in the cause's transaction (a crash loses none; the dispatcher sends them). Also what the admin
 * API shows of rules and deliveries.
 */
@ApplicationScoped
public class Alerts {

    public static final String STATUS_PENDING = "pending";
    public static final String STATUS_DELIVERED = "delivered";
    public static final String STATUS_FAILED = "failed";
    private static final Set<String> STATUSES = Set.of(STATUS_PENDING, STATUS_DELIVERED, STATUS_FAILED);
    private static final int MAX_LIMIT = 100;
    private static final String ADMIN_ONLY = "alert rules and deliveries need the admin role";

    /** A rule as the API shows it: the webhook masked. */
    public record RuleView(String name, String trigger, String project, String environment, Integer spikeEvents, Integer spikeMinutes,
                           long throttleSeconds, String webhook) {
    }

    /** A delivery as the API shows it: what fired, what became of it; the webhook masked. */
    public record DeliveryView(String id, String rule, String trigger, String status, int attempts, String project, String issueId,
                               String service, Integer lastStatus, String lastError, Instant createdAt, Instant lastAttemptAt,
                               Instant nextAttemptAt, Instant deliveredAt, String webhook) {
    }

    @Inject
    AlertRules rules;
    @Inject
    AlertRepository repository;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    ObjectMapper json;

    /** A new issue ({@code new-issue}) or a reopened one ({@code regression}), on processing's connection and transaction. */
    public void issueChanged(Connection connection, String trigger, IssueChange change, String title, long count) throws SQLException {
        for (AlertRules.Rule rule : rules.withTrigger(trigger)) {
            if (rule.watches(change.projectSlug(), change.environment())) {
                fire(connection, rule, change.projectId(), change.issueId(), null, AlertFacts.issue(rule.name(), trigger, change.projectSlug(),
                        change.projectId(), change.issueId(), title, change.level(), change.environment(), change.release(), count, null,
                        change.at().toString()));
            }
        }
    }

    /** A spike found by {@link SpikeEvaluator}, in a transaction of its own. */
    void spike(AlertRules.Rule rule, AlertRepository.SpikeRow spike) {
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection connection = dataSource.getConnection()) {
                fire(connection, rule, spike.projectId(), spike.issueId(), null, AlertFacts.issue(rule.name(), AlertRules.SPIKE,
                        spike.projectSlug(), spike.projectId(), spike.issueId(), spike.title(), spike.level(), rule.environment().orElse(null),
                        spike.release(), spike.events(), rule.spikeMinutes(), Instant.now().toString()));
            } catch (SQLException e) {
                throw new IllegalStateException("the spike alert could not be recorded", e);
            }
        });
    }

    /**
     * Fleet health's transition, fired once it is committed: a service that went down fires the service-down rules.
     * A failure here is logged, never thrown back at fleet health.
     */
    void serviceHealthChanged(@Observes ServiceHealthChanged changed) {
        if (!ServiceHealthChanged.DOWN.equals(changed.status()) || ServiceHealthChanged.DOWN.equals(changed.previous())) {
            return;
        }
        List<AlertRules.Rule> serviceRules = rules.withTrigger(AlertRules.SERVICE_DOWN);
        if (serviceRules.isEmpty()) {
            return;
        }
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                try (Connection connection = dataSource.getConnection()) {
                    for (AlertRules.Rule rule : serviceRules) {
                        fire(connection, rule, null, null, changed.service(), AlertFacts.service(rule.name(), changed.service(),
                                changed.status(), changed.previous(), changed.detail(), changed.at().toString()));
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (RuntimeException e) {
            Log.warnf("The service-down alert for %s could not be recorded: %s", changed.service(), e.getMessage());
        }
    }

    /** Records a delivery unless the rule fired for the subject within its throttle; returns whether it did. */
    private boolean fire(Connection connection, AlertRules.Rule rule, Long projectId, Long issueId, String service, AlertFacts facts)
            throws SQLException {
        String subject = issueId != null ? "issue:" + issueId : "service:" + service;
        if (!repository.claimThrottle(connection, rule.name(), subject, rule.throttle())) {
            Log.debugf("Alert rule %s throttled for %s", rule.name(), subject);
            return false;
        }
        try {
            repository.insertDelivery(connection, rule.name(), rule.trigger(), projectId, issueId, service, json.writeValueAsString(facts));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return true;
    }

    public List<RuleView> rules(SecurityIdentity caller) {
        admin(caller);
        return rules.all().stream().map(rule -> new RuleView(rule.name(), rule.trigger(), rule.project().orElse(null),
                rule.environment().orElse(null), rule.spikeEvents() > 0 ? rule.spikeEvents() : null,
                rule.spikeMinutes() > 0 ? rule.spikeMinutes() : null, rule.throttle().toSeconds(), rule.maskedWebhook())).toList();
    }

    /** The newest deliveries first, of a status and a rule when given. */
    public Issues.Page<DeliveryView> deliveries(String status, String rule, int offset, int limit, SecurityIdentity caller) {
        admin(caller);
        if (status != null && !STATUSES.contains(status)) {
            throw new Problem(400, ApiErrors.INVALID, "status: pending, delivered or failed");
        }
        int size = Math.max(1, Math.min(limit, MAX_LIMIT));
        List<DeliveryRow> rows = repository.recent(status, rule, offset, size + 1);
        List<DeliveryView> views = rows.stream().limit(size).map(this::view).toList();
        return new Issues.Page<>(views, offset, rows.size() > size ? offset + size : null);
    }

    private DeliveryView view(DeliveryRow row) {
        String project = null;
        try {
            project = json.readTree(row.facts()).path("project").asText(null);
        } catch (JsonProcessingException e) {
            // facts are ours; an unreadable one shows no project
        }
        return new DeliveryView(Long.toString(row.id()), row.rule(), row.trigger(), row.status(), row.attempts(), project,
                row.issueId() == null ? null : Long.toString(row.issueId()), row.service(), row.lastStatus(), row.lastError(), row.createdAt(),
                row.lastAttemptAt(), STATUS_PENDING.equals(row.status()) ? row.nextAttemptAt() : null, row.deliveredAt(),
                rules.named(row.rule()).map(AlertRules.Rule::maskedWebhook).orElse(null));
    }

    private static void admin(SecurityIdentity caller) {
        if (!caller.hasRole(ProjectAccess.ADMIN_ROLE)) {
            throw new Problem(403, ApiErrors.FORBIDDEN, ADMIN_ONLY);
        }
    }
}
