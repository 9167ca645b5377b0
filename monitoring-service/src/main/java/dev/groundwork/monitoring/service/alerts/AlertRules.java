package dev.groundwork.monitoring.service.alerts;

import dev.groundwork.monitoring.config.MonitoringConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The alert rules declared in configuration ({@code monitoring.alerts.<rule>.*}), checked at start: a rule that
 * cannot work stops the start with a message naming the property (never the webhook URL's value, a secret).
 */
@ApplicationScoped
public class AlertRules {

    public static final String NEW_ISSUE = "new-issue";
    public static final String REGRESSION = "regression";
    public static final String SPIKE = "spike";
    public static final String SERVICE_DOWN = "service-down";
    public static final List<String> TRIGGERS = List.of(NEW_ISSUE, REGRESSION, SPIKE, SERVICE_DOWN);

    /** Rule names: as project slugs, so that a name is also a metric label and (without dashes) an env name. */
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,49}");
    static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9_-]{0,49}");
    /** The longest spike window: the count reads that many minutes of events every check. */
    static final int MAX_SPIKE_MINUTES = 1440;

    /** A checked rule. {@code webhook} is a secret: show {@link #maskedWebhook()}. */
    public record Rule(String name, String trigger, Optional<String> project, Optional<String> environment, URI webhook, int spikeEvents,
                       int spikeMinutes, Duration throttle) {

        public String maskedWebhook() {
            return mask(webhook);
        }

        /** Whether the rule watches an issue of this project, seen in this environment. */
        public boolean watches(String projectSlug, String eventEnvironment) {
            return project.map(p -> p.equals(projectSlug)).orElse(true) && environment.map(e -> e.equals(eventEnvironment)).orElse(true);
        }

        @Override
        public String toString() {
            return "Rule[" + name + ", " + trigger + ", webhook " + maskedWebhook() + "]";
        }
    }

    @Inject
    MonitoringConfig config;

    private Map<String, Rule> rules;

    @PostConstruct
    void load() {
        rules = parse(config.alerts());
    }

    void check(@Observes StartupEvent start) {
        if (!rules.isEmpty()) {
            Log.infof("Alert rules: %s", rules.values().stream().map(r -> r.name() + " (" + r.trigger() + ")").collect(Collectors.joining(", ")));
        }
    }

    public List<Rule> all() {
        return List.copyOf(rules.values());
    }

    public List<Rule> withTrigger(String trigger) {
        return rules.values().stream().filter(rule -> rule.trigger().equals(trigger)).toList();
    }

    public Optional<Rule> named(String name) {
        return Optional.ofNullable(rules.get(name));
    }

    /** The rules, checked; an {@link IllegalStateException} saying which property is wrong and why. */
    static Map<String, Rule> parse(Map<String, MonitoringConfig.AlertRule> declared) {
        Map<String, Rule> checked = new TreeMap<>();
        declared.forEach((name, rule) -> {
            String at = "monitoring.alerts." + name + ".";
            require(NAME.matcher(name).matches(), at + "*: a rule's name is 1 to 50 of a-z, 0-9, _ and -");
            String trigger = rule.trigger();
            require(TRIGGERS.contains(trigger), at + "trigger: one of " + String.join(", ", TRIGGERS) + " is needed");
            require(rule.webhookUrl().isPresent(), at + "webhook-url: the webhook to post to is needed");
            URI webhook = webhook(rule.webhookUrl().get());
            require(webhook != null, at + "webhook-url: an http or https URL with a host is needed (the value is not shown: it is a secret)");
            boolean spike = SPIKE.equals(trigger);
            require(spike == rule.spikeEvents().isPresent() && spike == rule.spikeMinutes().isPresent(),
                    at + "spike-events and spike-minutes: both for a spike rule, neither for another");
            require(!spike || rule.spikeEvents().get() >= 1, at + "spike-events: 1 or more");
            require(!spike || rule.spikeMinutes().get() >= 1 && rule.spikeMinutes().get() <= MAX_SPIKE_MINUTES,
                    at + "spike-minutes: 1 to " + MAX_SPIKE_MINUTES);
            boolean service = SERVICE_DOWN.equals(trigger);
            require(!service || rule.project().isEmpty() && rule.environment().isEmpty(),
                    at + "project and environment: a service-down rule watches the fleet, not a project's issues");
            require(rule.project().map(p -> SLUG.matcher(p).matches()).orElse(true), at + "project: a project slug is needed");
            require(rule.environment().map(e -> !e.isBlank()).orElse(true), at + "environment: unset, or an environment's name");
            require(!rule.throttle().isNegative() && !rule.throttle().isZero(), at + "throttle: more than zero");
            checked.put(name, new Rule(name, trigger, rule.project(), rule.environment(), webhook, rule.spikeEvents().orElse(0),
                    rule.spikeMinutes().orElse(0), rule.throttle()));
        });
        return checked;
    }

    /** The webhook as it may be shown: its scheme and host, never its path (where Slack's secret is) or user info. */
    public static String mask(URI webhook) {
        return webhook.getScheme() + "://" + webhook.getHost() + (webhook.getPort() >= 0 ? ":" + webhook.getPort() : "") + "/***";
    }

    private static URI webhook(String value) {
        try {
            URI uri = new URI(value.strip());
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            return http && uri.getHost() != null ? uri : null;
        } catch (java.net.URISyntaxException e) {
            return null; // its message quotes the value
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
