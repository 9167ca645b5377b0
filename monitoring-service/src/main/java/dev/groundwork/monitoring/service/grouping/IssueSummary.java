package dev.groundwork.monitoring.service.grouping;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import static dev.groundwork.monitoring.service.grouping.EventJson.isTrue;
import static dev.groundwork.monitoring.service.grouping.EventJson.text;

/**
 * What an issue shows before anyone opens it, as Sentry derives it (its error and default event types): the issue
 * type, the title, the culprit and the issue metadata.
 */
record IssueSummary(String type, String title, String culprit, Map<String, String> metadata) {

    private static final String ERROR = "error";
    private static final String DEFAULT = "default";

    /** Sentry's limits: a title line and a culprit fit a list row, the metadata keeps more of the value. */
    private static final int TITLE_MAX_CHARS = 200;
    private static final int CULPRIT_MAX_CHARS = 200;
    private static final int VALUE_MAX_CHARS = 1024;
    private static final int TYPE_MAX_CHARS = 128;

    private static final String UNLABELED = "<unlabeled event>";
    private static final String UNKNOWN = "<unknown>";
    /** Sentry's type for an exception that names none. */
    private static final String DEFAULT_EXCEPTION_TYPE = "Error";
    private static final String ELLIPSIS = "...";

    /**
     * @param thrown the exception thrown last, null for an event without one
     * @param frames the frames of that exception, else the event's own stack
     * @param message the event's log message, null when it has none
     */
    static IssueSummary of(JsonNode event, JsonNode thrown, List<JsonNode> frames, LogMessage message) {
        JsonNode crash = StackFrames.crashFrame(frames);
        String culprit = culprit(event, crash);
        if (thrown == null) {
            String title = message == null ? UNLABELED : truncate(firstLine(message.formatted()), TITLE_MAX_CHARS);
            return new IssueSummary(DEFAULT, title, culprit, Map.of("title", title));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        // A synthetic exception (a crash handler's "Segfault", a captured message's stack) has a meaningless type.
        boolean synthetic = isTrue(thrown.path("mechanism").path("synthetic"));
        String type = truncate(Objects.requireNonNullElse(text(thrown.path("type")), DEFAULT_EXCEPTION_TYPE), TYPE_MAX_CHARS);
        String value = text(thrown.path("value"));
        if (!synthetic) {
            metadata.put("type", type);
        }
        if (value != null) {
            metadata.put("value", truncate(value, VALUE_MAX_CHARS));
        }
        if (crash != null) {
            putIfPresent(metadata, "filename", firstPresent(text(crash.path("filename")), text(crash.path("abs_path"))));
            putIfPresent(metadata, "function", text(crash.path("function")));
        }
        String title = synthetic ? metadata.getOrDefault("function", UNKNOWN)
                : value == null ? type : type + ": " + truncate(firstLine(value), TITLE_MAX_CHARS);
        return new IssueSummary(ERROR, title, culprit, metadata);
    }

    /**
     * Where it happened: the crash frame when it is the application's, else the transaction (the route), else the
     * crash frame in a library, else the logger; empty when the event names none.
     */
    private static String culprit(JsonNode event, JsonNode crash) {
        String frame = crash == null ? null : StackFrames.culprit(crash, text(event.path("platform")));
        String inAppFrame = crash != null && StackFrames.inApp(crash) ? frame : null;
        String culprit = firstPresent(inAppFrame, text(event.path("transaction")), frame, text(event.path("logger")));
        return culprit == null ? "" : truncate(culprit, CULPRIT_MAX_CHARS);
    }

    private static String firstPresent(String... candidates) {
        return Stream.of(candidates).filter(Objects::nonNull).findFirst().orElse(null);
    }

    private static void putIfPresent(Map<String, String> metadata, String key, String value) {
        if (value != null) {
            metadata.put(key, value);
        }
    }

    private static String firstLine(String text) {
        return text.strip().lines().findFirst().orElse("");
    }

    /** At most {@code max} characters, "..." marking a cut, never splitting a surrogate pair. */
    private static String truncate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max - ELLIPSIS.length();
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + ELLIPSIS;
    }
}
