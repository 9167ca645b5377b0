package dev.groundwork.monitoring.service.grouping;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

import static dev.groundwork.monitoring.service.grouping.EventJson.text;

/**
 * An event's log message, from Sentry's message interface in any of the shapes SDKs send: {@code logentry} (what Relay
 * normalises to), {@code message} as an object (sentry-java: {@code {"message":{"message":"..."}}}) or {@code message}
 * as a string (legacy SDKs).
 *
 * @param template  the raw message, unformatted when it has parameters
 * @param formatted the message as the user read it
 * @param hasParams whether parameters came apart from the template ({@code params}), which is then free of values
 */
record LogMessage(String template, String formatted, boolean hasParams) {

    /** The event's message, {@code logentry} first; null when it has none. */
    static LogMessage of(JsonNode event) {
        for (JsonNode node : List.of(event.path("logentry"), event.path("message"))) {
            if (node.isTextual()) {
                String text = text(node);
                if (text != null) {
                    return new LogMessage(text, text, false);
                }
            }
            String template = text(node.path("message"));
            String formatted = text(node.path("formatted"));
            if (template != null || formatted != null) {
                JsonNode params = node.path("params");
                boolean hasParams = template != null && (params.isArray() || params.isObject()) && !params.isEmpty();
                return new LogMessage(template != null ? template : formatted, formatted != null ? formatted : template, hasParams);
            }
        }
        return null;
    }
}
