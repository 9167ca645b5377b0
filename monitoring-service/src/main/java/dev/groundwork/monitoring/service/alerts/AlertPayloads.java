package dev.groundwork.monitoring.service.alerts;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON a webhook gets, as Slack's incoming webhooks take it: {@code text} (one line with a link to the issue),
 * {@code attachments} with fields, and our own {@code groundwork} object for machines (Slack ignores unknown fields).
 * Attachments rather than blocks: Mattermost, Rocket.Chat and Discord's {@code /slack} endpoint read them too.
 */
final class AlertPayloads {

    private static final String DANGER = "#E01E5A";
    private static final String WARNING = "#ECB22E";

    private AlertPayloads() {
    }

    static Map<String, Object> slack(AlertFacts facts, long deliveryId, URI publicBaseUrl) {
        String base = publicBaseUrl.toString().replaceAll("/+$", "");
        boolean service = AlertRules.SERVICE_DOWN.equals(facts.trigger());
        String url = service ? base + "/monitoring/#/fleet" : base + "/monitoring/#/issues/" + facts.issueId();
        String title = service ? "Service " + facts.service() + " is " + facts.status() : facts.title();

        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("fallback", plain(facts));
        attachment.put("color", AlertRules.SPIKE.equals(facts.trigger()) ? WARNING : DANGER);
        attachment.put("title", escape(title));
        attachment.put("title_link", url);
        List<Map<String, Object>> fields = new ArrayList<>();
        if (service) {
            field(fields, "Service", facts.service());
            field(fields, "Status", facts.previous() + " → " + facts.status());
            field(fields, "Detail", facts.detail());
        } else {
            field(fields, "Project", facts.project());
            field(fields, "Level", facts.level());
            field(fields, "Environment", facts.environment());
            field(fields, "Release", facts.release());
            field(fields, facts.windowMinutes() != null ? "Events in " + facts.windowMinutes() + " min" : "Events",
                    facts.count() == null ? null : Long.toString(facts.count()));
        }
        attachment.put("fields", fields);
        attachment.put("footer", "Groundwork monitoring · rule " + facts.rule());
        if (facts.at() != null) {
            attachment.put("ts", Instant.parse(facts.at()).getEpochSecond());
        }

        Map<String, Object> groundwork = new LinkedHashMap<>();
        groundwork.put("deliveryId", Long.toString(deliveryId));
        groundwork.put("url", url);
        groundwork.put("facts", facts);

        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("text", text(facts, url));
        payload.put("attachments", List.of(attachment));
        payload.put("groundwork", groundwork);
        return payload;
    }

    /** One line, in Slack's mrkdwn: {@code [alpha] New issue: <url|TypeError: boom>}. */
    static String text(AlertFacts facts, String url) {
        return switch (facts.trigger()) {
            case AlertRules.NEW_ISSUE -> "[" + escape(facts.project()) + "] New issue: <" + url + "|" + escape(facts.title()) + ">";
            case AlertRules.REGRESSION -> "[" + escape(facts.project()) + "] Regression: <" + url + "|" + escape(facts.title()) + ">";
            case AlertRules.SPIKE -> "[" + escape(facts.project()) + "] Spike, " + facts.count() + " events in " + facts.windowMinutes()
                    + " min: <" + url + "|" + escape(facts.title()) + ">";
            default -> "Service " + escape(facts.service()) + " is " + facts.status()
                    + (facts.detail() == null ? "" : " (" + escape(facts.detail()) + ")") + ": <" + url + "|fleet health>";
        };
    }

    /** For clients that show no formatting (notifications). */
    private static String plain(AlertFacts facts) {
        return switch (facts.trigger()) {
            case AlertRules.NEW_ISSUE -> "[" + facts.project() + "] New issue: " + facts.title();
            case AlertRules.REGRESSION -> "[" + facts.project() + "] Regression: " + facts.title();
            case AlertRules.SPIKE -> "[" + facts.project() + "] Spike: " + facts.title();
            default -> "Service " + facts.service() + " is " + facts.status();
        };
    }

    private static void field(List<Map<String, Object>> fields, String title, String value) {
        if (value != null && !value.isBlank()) {
            fields.add(Map.of("title", title, "value", escape(value), "short", true));
        }
    }

    /** Slack's escaping of its control characters in text (anything else is shown as sent). */
    static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
