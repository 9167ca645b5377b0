package dev.groundwork.monitoring.service;

import dev.groundwork.http.Problem;
import dev.groundwork.monitoring.client.ReadinessProbe;
import dev.groundwork.monitoring.config.MonitoringConfig;
import dev.groundwork.monitoring.events.FleetEvents;
import dev.groundwork.monitoring.repository.FleetRepository;
import dev.groundwork.monitoring.repository.FleetRepository.ServiceState;
import dev.groundwork.monitoring.repository.FleetRepository.TransitionRow;
import dev.groundwork.monitoring.repository.FleetRepository.UptimeRow;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import java.net.URI;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Fleet health: every {@code monitoring.fleet.interval} one replica (the holder of a Postgres advisory lock, and only
 * when nobody polled within half an interval) probes the readiness of each service of {@code monitoring.fleet.services},
 * keeps its state and, on a change, records the transition and publishes {@code service.health.changed} in the same
 * transaction; once committed, {@link ServiceHealthChanged} is fired for alert rules. A service is up after one ready
 * probe and down after {@code failure-threshold} failed ones in a row (as a kubelet's readiness probe); it is unknown
 * until then. Uptime is the time in "up" over the time observed (up or down), from the transitions.
 */
@Startup
@ApplicationScoped
public class FleetHealth {

    /** Transitions the API shows at most. */
    public static final int MAX_TRANSITIONS = 50;
    public static final String METRIC = "groundwork_fleet_service_up";
    static final String BAD_SERVICES = "monitoring.fleet.services is a comma-separated list of name=url (name: lower-case letters, "
            + "digits and dashes; url: http or https), each name once";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** A service as the API shows it; the uptimes are percentages, null when nothing was observed in the window. */
    public record ServiceView(String name, String status, Instant since, Instant lastCheckedAt, String detail, Double uptimeDay,
                              Double uptimeWeek) {
    }

    public record FleetView(List<ServiceView> services, List<TransitionRow> transitions) {
    }

    @Inject
    MonitoringConfig config;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    FleetRepository repository;
    @Inject
    ReadinessProbe probe;
    @Inject
    FleetEvents events;
    @Inject
    Event<ServiceHealthChanged> changes;
    @Inject
    MeterRegistry meters;

    private Map<String, URI> targets;
    /** The gauges' values: 1 up, 0 down, NaN unknown; every replica refreshes them from the database. */
    private final Map<String, Double> up = new ConcurrentHashMap<>();
    private final WarningOncePerMinute warnings = new WarningOncePerMinute(FleetHealth.class);

    @PostConstruct
    void start() {
        targets = targets(config.fleet().services().orElse(List.of()));
        if (config.fleet().failureThreshold() < 1) {
            throw new IllegalStateException("monitoring.fleet.failure-threshold must be at least 1");
        }
        for (String name : targets.keySet()) {
            up.put(name, Double.NaN);
            meters.gauge(METRIC, Tags.of("service", name), up, values -> values.getOrDefault(name, Double.NaN));
        }
        if (!targets.isEmpty()) {
            Log.infof("Fleet health polls %s every %s", String.join(", ", targets.keySet()), config.fleet().interval());
        }
    }

    /** The configured services, in their order; a bad entry stops the start, naming the entry but never its URL. */
    static Map<String, URI> targets(List<String> entries) {
        Map<String, URI> targets = new LinkedHashMap<>();
        for (String entry : entries) {
            int equals = entry.indexOf('=');
            String name = equals < 0 ? entry.trim() : entry.substring(0, equals).trim();
            if (equals < 0 || !NAME.matcher(name).matches() || targets.containsKey(name)) {
                throw new IllegalStateException(BAD_SERVICES + "; wrong: the entry of \"" + (NAME.matcher(name).matches() ? name : "?") + "\"");
            }
            URI url;
            try {
                url = URI.create(entry.substring(equals + 1).trim());
            } catch (IllegalArgumentException e) {
                url = null;
            }
            if (url == null || url.getHost() == null || !List.of("http", "https").contains(String.valueOf(url.getScheme()).toLowerCase(Locale.ROOT))) {
                throw new IllegalStateException(BAD_SERVICES + "; wrong: the URL of " + name);
            }
            targets.put(name, url);
        }
        return targets;
    }

    @Scheduled(every = "${monitoring.fleet.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (targets.isEmpty()) {
            return;
        }
        try {
            poll();
            refreshGauges();
        } catch (RuntimeException e) {
            // Postgres away: nothing is recorded (an outage of ours is not the fleet's); say so once a minute.
            warnings.warnf("Fleet health could not poll, trying again every %s: %s", config.fleet().interval(), e.getMessage());
        }
    }

    /**
     * One poll round, unless another replica holds the lock or polled within half an interval; returns the changes it
     * made (committed, and fired as {@link ServiceHealthChanged}).
     */
    public List<ServiceHealthChanged> poll() {
        List<ServiceHealthChanged> changed = QuarkusTransaction.requiringNew().call(() -> {
            try (Connection connection = dataSource.getConnection()) {
                if (!repository.tryLock(connection)) {
                    return List.<ServiceHealthChanged>of();
                }
                Map<String, ServiceState> states = repository.states(connection);
                if (polledRecently(states.values())) {
                    return List.<ServiceHealthChanged>of();
                }
                Map<String, ReadinessProbe.Result> results = probe.probe(targets);
                Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS); // as Postgres keeps it
                List<ServiceHealthChanged> made = new ArrayList<>();
                for (Map.Entry<String, ReadinessProbe.Result> result : results.entrySet()) {
                    ServiceState before = states.get(result.getKey());
                    ServiceState after = next(result.getKey(), before, result.getValue(), now, config.fleet().failureThreshold());
                    repository.save(connection, after);
                    String previous = before == null ? ServiceHealthChanged.UNKNOWN : before.status();
                    if (!previous.equals(after.status())) {
                        repository.record(connection, new TransitionRow(after.name(), previous, after.status(), now, after.detail()));
                        events.changed(new FleetEvents.HealthChange(after.name(), after.status(), previous, now, after.detail()));
                        made.add(new ServiceHealthChanged(after.name(), after.status(), previous, now, after.detail()));
                    }
                }
                return made;
            }
        });
        for (ServiceHealthChanged change : changed) {
            Log.infof("Fleet health: %s is %s (was %s): %s", change.service(), change.status(), change.previous(), change.detail());
            try {
                changes.fire(change);
            } catch (RuntimeException e) {
                // An observer's failure is its own: the transition is recorded and published either way.
                Log.warnf(e, "An observer of %s's change to %s failed", change.service(), change.status());
            }
        }
        return changed;
    }

    private boolean polledRecently(Collection<ServiceState> states) {
        Instant halfAnIntervalAgo = Instant.now().minus(config.fleet().interval().dividedBy(2));
        return states.stream().filter(state -> targets.containsKey(state.name()))
                .anyMatch(state -> state.lastCheckedAt().isAfter(halfAnIntervalAgo));
    }

    /** A service's state after a probe: up on success, down after {@code threshold} failures in a row, else as it was. */
    static ServiceState next(String name, ServiceState before, ReadinessProbe.Result result, Instant now, int threshold) {
        String status = before == null ? ServiceHealthChanged.UNKNOWN : before.status();
        Instant since = before == null ? now : before.since();
        int failures = result.ready() ? 0 : (before == null ? 0 : before.failures()) + 1;
        String next = result.ready() ? ServiceHealthChanged.UP : failures >= threshold ? ServiceHealthChanged.DOWN : status;
        return new ServiceState(name, next, next.equals(status) ? since : now, now, result.detail(), failures);
    }

    void refreshGauges() {
        for (ServiceState state : repository.states(List.copyOf(targets.keySet()))) {
            up.put(state.name(), switch (state.status()) {
                case ServiceHealthChanged.UP -> 1.0;
                case ServiceHealthChanged.DOWN -> 0.0;
                default -> Double.NaN;
            });
        }
    }

    /** Every configured service with its state and uptime, and the latest transitions: the admin's only. */
    public FleetView view(SecurityIdentity caller) {
        if (!caller.hasRole(ProjectAccess.ADMIN_ROLE)) {
            throw new Problem(403, ApiErrors.FORBIDDEN, "fleet health needs the admin role");
        }
        List<String> names = List.copyOf(targets.keySet());
        if (names.isEmpty()) {
            return new FleetView(List.of(), List.of());
        }
        Instant now = Instant.now();
        Map<String, ServiceState> states = repository.states(names).stream().collect(Collectors.toMap(ServiceState::name, Function.identity()));
        Map<String, UptimeRow> uptime = repository.uptime(names, now.minus(Duration.ofHours(24)), now.minus(Duration.ofDays(7))).stream()
                .collect(Collectors.toMap(UptimeRow::service, Function.identity()));
        List<ServiceView> services = new ArrayList<>();
        for (String name : names) {
            ServiceState state = states.get(name);
            UptimeRow times = uptime.get(name);
            services.add(state == null
                    ? new ServiceView(name, ServiceHealthChanged.UNKNOWN, null, null, null, null, null)
                    : new ServiceView(name, state.status(), state.since(), state.lastCheckedAt(), state.detail(),
                    times == null ? null : percent(times.upDay(), times.observedDay()),
                    times == null ? null : percent(times.upWeek(), times.observedWeek())));
        }
        return new FleetView(services, repository.transitions(names, MAX_TRANSITIONS));
    }

    /** Rounded down to two decimals, so that 100 means no downtime at all. */
    public static Double percent(Double up, Double observed) {
        if (observed == null || observed <= 0) {
            return null;
        }
        return Math.floor((up == null ? 0 : up) / observed * 10_000) / 100;
    }
}
