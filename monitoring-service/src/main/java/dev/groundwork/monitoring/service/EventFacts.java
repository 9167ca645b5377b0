package dev.groundwork.monitoring.service;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What an event says about itself, read leniently (SDKs differ, and a field of the wrong type is ignored rather than
 * refused): when it happened, its level, release, environment, the user it hit, and its tags within Sentry's limits.
 */
public record EventFacts(Instant occurredAt, String level, String release, String environment, String userKey,
                         Map<String, String> tags, String platform) {

    public static final Set<String> LEVELS = Set.of("fatal", "error", "warning", "info", "debug");
    /** Sentry's limits on tags: longer keys or values are dropped, and so are tags past the count. */
    static final int MAX_TAG_KEY = 32;
    static final int MAX_TAG_VALUE = 200;
    static final int MAX_TAGS = 50;
    /** Clock skew tolerated on an event's timestamp before the time it was received is used instead. */
    private static final Duration FUTURE_SKEW = Duration.ofMinutes(1);

    public static EventFacts of(JsonNode event, Instant receivedAt, Duration retention) {
        Instant occurred = timestamp(event.get("timestamp"));
        if (occurred == null || occurred.isAfter(receivedAt.plus(FUTURE_SKEW)) || occurred.isBefore(receivedAt.minus(retention))) {
            occurred = receivedAt;
        }
        String level = text(event, "level");
        level = level != null && LEVELS.contains(level) ? level : "error";
        String release = bounded(text(event, "release"), MAX_TAG_VALUE);
        String environment = bounded(text(event, "environment"), 64);
        Map<String, String> tags = tags(event);
        tags.putIfAbsent("level", level);
        putIfPresent(tags, "release", release);
        putIfPresent(tags, "environment", environment);
        putIfPresent(tags, "logger", bounded(text(event, "logger"), MAX_TAG_VALUE));
        putIfPresent(tags, "server_name", bounded(text(event, "server_name"), MAX_TAG_VALUE));
        putIfPresent(tags, "transaction", bounded(text(event, "transaction"), MAX_TAG_VALUE));
        return new EventFacts(occurred, level, release, environment, userKey(event.get("user")), tags,
                bounded(text(event, "platform"), 64));
    }

    /** RFC 3339 text or seconds since the epoch (a number, fractions allowed), as Sentry takes both. */
    static Instant timestamp(JsonNode value) {
        if (value == null) {
            return null;
        }
        if (value.isNumber()) {
            double seconds = value.asDouble();
            return Double.isFinite(seconds) && seconds > 0 && seconds < 1e11 ? Instant.ofEpochMilli((long) (seconds * 1000)) : null;
        }
        if (value.isTextual()) {
            String text = value.asText();
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                try {
                    return Instant.parse(text + "Z"); // Sentry's naive UTC form
                } catch (DateTimeParseException notEither) {
                    return null;
                }
            }
        }
        return null;
    }

    /** The user, as a hash of their id, else e-mail, else username, else IP address: counted, never shown. */
    static String userKey(JsonNode user) {
        if (user == null || !user.isObject()) {
            return null;
        }
        for (String field : new String[] {"id", "email", "username", "ip_address"}) {
            JsonNode value = user.get(field);
            if (value != null && (value.isTextual() || value.isNumber()) && !value.asText().isBlank()) {
                return field + ":" + sha256(value.asText()).substring(0, 32);
            }
        }
        return null;
    }

    /** Tags as an object ({@code {"k": "v"}}) or as pairs ({@code [["k", "v"]]}), both of which SDKs send. */
    private static Map<String, String> tags(JsonNode event) {
        Map<String, String> tags = new LinkedHashMap<>();
        JsonNode value = event.get("tags");
        if (value != null && value.isObject()) {
            value.fields().forEachRemaining(field -> tag(tags, field.getKey(), field.getValue()));
        } else if (value != null && value.isArray()) {
            for (JsonNode pair : value) {
                if (pair.isArray() && pair.size() == 2 && pair.get(0).isTextual()) {
                    tag(tags, pair.get(0).asText(), pair.get(1));
                }
            }
        }
        return tags;
    }

    private static void tag(Map<String, String> tags, String key, JsonNode value) {
        if (tags.size() >= MAX_TAGS || key.isEmpty() || key.length() > MAX_TAG_KEY || value == null || value.isContainerNode()
                || value.isNull()) {
            return;
        }
        String text = value.asText();
        if (!text.isEmpty() && text.length() <= MAX_TAG_VALUE) {
            tags.put(key, text);
        }
    }

    private static void putIfPresent(Map<String, String> tags, String key, String value) {
        if (value != null && !value.isEmpty()) {
            tags.putIfAbsent(key, value);
        }
    }

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    private static String bounded(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
