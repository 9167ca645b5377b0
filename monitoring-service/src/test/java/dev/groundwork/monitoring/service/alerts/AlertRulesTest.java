package dev.groundwork.monitoring.service.alerts;

import dev.groundwork.monitoring.config.MonitoringConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Alert rules are checked at start: a rule that cannot work stops it, with a message that names the property, never the URL. */
class AlertRulesTest {

    static final String SECRET_URL = "https://hooks.slack.com/services/T000/B000/XXXXs3cr3tXXXX";

    record Declared(String trigger, Optional<String> project, Optional<String> environment, Optional<String> webhookUrl,
                    Optional<Integer> spikeEvents, Optional<Integer> spikeMinutes, Duration throttle) implements MonitoringConfig.AlertRule {

        static Declared of(String trigger, String url) {
            return new Declared(trigger, Optional.empty(), Optional.empty(), Optional.ofNullable(url), Optional.empty(), Optional.empty(),
                    Duration.ofMinutes(30));
        }

        Declared spike(Integer events, Integer minutes) {
            return new Declared(trigger, project, environment, webhookUrl, Optional.ofNullable(events), Optional.ofNullable(minutes), throttle);
        }

        Declared project(String slug) {
            return new Declared(trigger, Optional.of(slug), environment, webhookUrl, spikeEvents, spikeMinutes, throttle);
        }

        Declared throttle(Duration value) {
            return new Declared(trigger, project, environment, webhookUrl, spikeEvents, spikeMinutes, value);
        }
    }

    static String refused(String name, Declared rule) {
        String message = assertThrows(IllegalStateException.class, () -> AlertRules.parse(Map.of(name, rule))).getMessage();
        assertFalse(message.contains("s3cr3t"), message);
        return message;
    }

    @Test
    void goodRulesAreTakenWithTheirWebhookMasked() {
        var rules = AlertRules.parse(Map.of("oncall", Declared.of("new-issue", SECRET_URL).project("shop"),
                "spikes", Declared.of("spike", SECRET_URL).spike(100, 5), "fleet", Declared.of("service-down", SECRET_URL)));
        assertEquals(3, rules.size());
        assertEquals("https://hooks.slack.com/***", rules.get("oncall").maskedWebhook());
        assertFalse(rules.get("oncall").toString().contains("s3cr3t"), rules.get("oncall").toString());
        assertTrue(rules.get("oncall").watches("shop", "production"));
        assertFalse(rules.get("oncall").watches("blog", "production"));
        assertEquals(5, rules.get("spikes").spikeMinutes());
    }

    @Test
    void aRuleThatCannotWorkStopsTheStartSayingWhy() {
        assertEquals("monitoring.alerts.oncall.trigger: one of new-issue, regression, spike, service-down is needed",
                refused("oncall", Declared.of("new_issue", SECRET_URL)));
        assertEquals("monitoring.alerts.oncall.webhook-url: the webhook to post to is needed", refused("oncall", Declared.of("new-issue", null)));
        for (String url : new String[] {"hooks.slack.com/services/s3cr3t", "ftp://example.com/s3cr3t", "https:///s3cr3t", "http://exa mple/s3cr3t"}) {
            assertEquals("monitoring.alerts.oncall.webhook-url: an http or https URL with a host is needed (the value is not shown: it is a secret)",
                    refused("oncall", Declared.of("new-issue", url)));
        }
        assertTrue(refused("spikes", Declared.of("spike", SECRET_URL)).startsWith("monitoring.alerts.spikes.spike-events and spike-minutes"));
        assertTrue(refused("oncall", Declared.of("new-issue", SECRET_URL).spike(5, 5)).startsWith("monitoring.alerts.oncall.spike-events"));
        assertEquals("monitoring.alerts.spikes.spike-events: 1 or more", refused("spikes", Declared.of("spike", SECRET_URL).spike(0, 5)));
        assertEquals("monitoring.alerts.spikes.spike-minutes: 1 to 1440", refused("spikes", Declared.of("spike", SECRET_URL).spike(5, 1441)));
        assertTrue(refused("fleet", Declared.of("service-down", SECRET_URL).project("shop")).startsWith("monitoring.alerts.fleet.project"));
        assertEquals("monitoring.alerts.oncall.project: a project slug is needed",
                refused("oncall", Declared.of("new-issue", SECRET_URL).project("Shop!")));
        assertEquals("monitoring.alerts.oncall.throttle: more than zero",
                refused("oncall", Declared.of("new-issue", SECRET_URL).throttle(Duration.ZERO)));
        assertTrue(refused("On Call", Declared.of("new-issue", SECRET_URL)).startsWith("monitoring.alerts.On Call.*: a rule's name"));
    }

    @Test
    void backoffDoublesWithJitterUpToItsCeiling() {
        Duration base = Duration.ofSeconds(10);
        Duration max = Duration.ofMinutes(10);
        for (int i = 0; i < 50; i++) {
            long first = AlertDispatcher.backoff(1, base, max).toMillis();
            long third = AlertDispatcher.backoff(3, base, max).toMillis();
            long late = AlertDispatcher.backoff(40, base, max).toMillis();
            assertTrue(first >= 5_000 && first <= 10_000, "first: " + first);
            assertTrue(third >= 20_000 && third <= 40_000, "third: " + third);
            assertTrue(late >= 300_000 && late <= 600_000, "capped: " + late);
        }
    }
}
