package dev.groundwork.monitoring.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.groundwork.monitoring.repository.IssueReads.EventRow;
import dev.groundwork.monitoring.repository.IssueReads.IssueRow;
import dev.groundwork.monitoring.repository.IssueReads.TagRow;
import dev.groundwork.monitoring.repository.ProjectRepository.KeyRow;
import dev.groundwork.monitoring.repository.ProjectRepository.ProjectRow;
import dev.groundwork.monitoring.service.Issues.IssueView;
import dev.groundwork.monitoring.service.ReleaseHealth.ReleaseHealthView;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The read API's bodies in the shape of Sentry's web API (field names and types as Sentry answers them: ids as
 * strings, {@code count} a string, stack frames camel-cased), so that scripts written against Sentry read ours.
 */
final class SentryShapes {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Sentry's API names of the event fields of a stack frame. */
    private static final Map<String, String> FRAME_FIELDS = Map.of("in_app", "inApp", "lineno", "lineNo", "colno", "colNo",
            "abs_path", "absPath", "raw_function", "rawFunction", "instruction_addr", "instructionAddr");
    /** Top values shown per tag of an issue. */
    private static final int TOP_VALUES = 10;

    private SentryShapes() {
    }

    static Map<String, Object> organization(String slug) {
        return Map.of("id", "1", "slug", slug, "name", slug);
    }

    /** A release in an environment with Sentry's {@code healthData} fields (percentages as numbers, null without data). */
    static Map<String, Object> releaseHealth(ReleaseHealthView view) {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("totalSessions", view.totalSessions());
        health.put("sessionsCrashed", view.sessionsCrashed());
        health.put("sessionsErrored", view.sessionsErrored());
        health.put("sessionsAbnormal", view.sessionsAbnormal());
        health.put("crashFreeSessions", view.crashFreeSessions());
        health.put("totalUsers", view.totalUsers());
        health.put("usersCrashed", view.usersCrashed());
        health.put("crashFreeUsers", view.crashFreeUsers());
        health.put("adoption", view.adoption());
        health.put("sessionsAdoption", view.sessionsAdoption());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", view.version());
        body.put("environment", view.environment());
        body.put("firstSeen", view.firstSeen().toString());
        body.put("lastSeen", view.lastSeen().toString());
        body.put("healthData", health);
        return body;
    }

    static Map<String, Object> project(ProjectRow project) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", Long.toString(project.id()));
        body.put("slug", project.slug());
        body.put("name", project.name());
        body.put("platform", null);
        body.put("dateCreated", project.createdAt().toString());
        body.put("isDeclared", project.declared());
        return body;
    }

    static Map<String, Object> key(KeyRow key, String dsn, Instant now) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", key.publicKey());
        body.put("name", key.label());
        body.put("label", key.label());
        body.put("public", key.publicKey());
        body.put("secret", null);
        body.put("projectId", key.projectId());
        body.put("isActive", key.activeAt(now));
        body.put("dateCreated", key.createdAt().toString());
        body.put("dateExpires", key.expiresAt() == null ? null : key.expiresAt().toString());
        body.put("isDeclared", key.declared());
        body.put("dsn", Map.of("public", dsn));
        return body;
    }

    static Map<String, Object> issue(IssueView view) {
        IssueRow issue = view.issue();
        ProjectRow project = view.project();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", Long.toString(issue.id()));
        body.put("shortId", project.slug().toUpperCase(Locale.ROOT) + "-" + Long.toString(issue.id(), 36).toUpperCase(Locale.ROOT));
        body.put("title", issue.title());
        body.put("culprit", issue.culprit());
        body.put("level", issue.level());
        body.put("status", issue.status());
        body.put("statusDetails", statusDetails(issue));
        body.put("type", issue.type());
        body.put("metadata", json(issue.metadata()));
        body.put("platform", issue.platform());
        body.put("project", Map.of("id", Long.toString(project.id()), "slug", project.slug(), "name", project.name()));
        body.put("count", Long.toString(issue.periodCount()));
        body.put("userCount", issue.users());
        body.put("firstSeen", issue.firstSeen().toString());
        body.put("lastSeen", issue.lastSeen().toString());
        body.put("firstRelease", issue.firstRelease() == null ? null : Map.of("version", issue.firstRelease()));
        body.put("lastRelease", issue.lastRelease() == null ? null : Map.of("version", issue.lastRelease()));
        body.put("stats", Map.of(view.statsPeriod(), view.stats()));
        body.put("groupingConfig", Map.of("id", issue.groupingVersion()));
        if (!view.tags().isEmpty()) {
            body.put("times_seen", issue.timesSeen());
            body.put("tags", tags(view.tags()));
        }
        return body;
    }

    private static Map<String, Object> statusDetails(IssueRow issue) {
        if (!"resolved".equals(issue.status())) {
            return Map.of();
        }
        if (issue.resolvedInNextRelease()) {
            return Map.of("inNextRelease", true);
        }
        return issue.resolvedInRelease() == null ? Map.of() : Map.of("inRelease", issue.resolvedInRelease());
    }

    /** Sentry's tag summary of an issue: per key, the number of values and the most frequent ones. */
    private static List<Map<String, Object>> tags(List<TagRow> rows) {
        Map<String, List<TagRow>> byKey = new LinkedHashMap<>();
        rows.forEach(row -> byKey.computeIfAbsent(row.key(), key -> new java.util.ArrayList<>()).add(row));
        return byKey.entrySet().stream().map(entry -> {
            Map<String, Object> tag = new LinkedHashMap<>();
            tag.put("key", entry.getKey());
            tag.put("name", entry.getKey());
            tag.put("totalValues", entry.getValue().stream().mapToLong(TagRow::events).sum());
            tag.put("topValues", entry.getValue().stream().limit(TOP_VALUES).map(row -> Map.of("key", row.key(), "name", row.value(),
                    "value", row.value(), "count", row.events(), "lastSeen", row.lastSeen().toString())).toList());
            return tag;
        }).toList();
    }

    /** An event in a list: what identifies it and its tags. */
    static ObjectNode eventSummary(EventRow row) {
        JsonNode payload = json(row.payload());
        ObjectNode body = NODES.objectNode();
        String id = row.eventId().toString().replace("-", "");
        body.put("id", id);
        body.put("eventID", id);
        body.put("groupID", Long.toString(row.issueId()));
        body.put("projectID", Long.toString(row.projectId()));
        body.put("dateCreated", row.occurredAt().toString());
        body.put("dateReceived", row.receivedAt().toString());
        body.put("level", row.level());
        body.put("release", row.release());
        body.put("environment", row.environment());
        body.set("message", message(payload));
        body.set("platform", payload.get("platform"));
        body.set("user", payload.get("user"));
        body.set("tags", tagPairs(payload));
        return body;
    }

    /** A whole event: the summary, Sentry's {@code entries} (exception with camel-cased frames, message, request, breadcrumbs) and contexts. */
    static ObjectNode event(EventRow row) {
        JsonNode payload = json(row.payload());
        ObjectNode body = eventSummary(row);
        ArrayNode entries = body.putArray("entries");
        JsonNode exception = payload.get("exception");
        JsonNode values = exception == null ? null : exception.isArray() ? exception : exception.get("values");
        if (values != null && values.isArray()) {
            ArrayNode converted = NODES.arrayNode();
            values.forEach(value -> converted.add(exceptionValue(value)));
            entries.addObject().put("type", "exception").putObject("data").set("values", converted);
        }
        JsonNode message = message(payload);
        if (!message.isNull()) {
            entries.addObject().put("type", "message").putObject("data").set("formatted", message);
        }
        copyEntry(payload, entries, "request", "request");
        JsonNode breadcrumbs = payload.get("breadcrumbs");
        if (breadcrumbs != null) {
            entries.addObject().put("type", "breadcrumbs").putObject("data")
                    .set("values", breadcrumbs.isArray() ? breadcrumbs : breadcrumbs.path("values"));
        }
        body.set("contexts", payload.get("contexts"));
        body.set("sdk", payload.get("sdk"));
        body.set("fingerprints", payload.get("fingerprint"));
        body.set("logger", payload.get("logger"));
        return body;
    }

    private static ObjectNode exceptionValue(JsonNode value) {
        ObjectNode converted = value.isObject() ? ((ObjectNode) value).deepCopy() : NODES.objectNode();
        JsonNode frames = value.path("stacktrace").path("frames");
        if (frames.isArray()) {
            ArrayNode camel = NODES.arrayNode();
            frames.forEach(frame -> camel.add(frame(frame)));
            converted.putObject("stacktrace").set("frames", camel);
        }
        return converted;
    }

    private static JsonNode frame(JsonNode frame) {
        if (!frame.isObject()) {
            return frame;
        }
        ObjectNode converted = NODES.objectNode();
        frame.fields().forEachRemaining(field -> converted.set(FRAME_FIELDS.getOrDefault(field.getKey(), field.getKey()), field.getValue()));
        return converted;
    }

    private static void copyEntry(JsonNode payload, ArrayNode entries, String field, String type) {
        JsonNode value = payload.get(field);
        if (value != null && value.isObject()) {
            entries.addObject().put("type", type).set("data", value);
        }
    }

    /** The message as shown: {@code logentry.formatted} or {@code .message}, {@code message} as text or object. */
    private static JsonNode message(JsonNode payload) {
        for (String field : new String[] {"logentry", "message"}) {
            JsonNode value = payload.get(field);
            if (value != null && value.isTextual()) {
                return value;
            }
            if (value != null && value.isObject()) {
                JsonNode text = value.hasNonNull("formatted") ? value.get("formatted") : value.get("message");
                if (text != null && text.isTextual()) {
                    return text;
                }
            }
        }
        return NODES.nullNode();
    }

    /** Tags as Sentry's API lists them: {@code [{"key", "value"}]}, from an object or from pairs. */
    private static ArrayNode tagPairs(JsonNode payload) {
        ArrayNode pairs = NODES.arrayNode();
        JsonNode tags = payload.get("tags");
        if (tags != null && tags.isObject()) {
            tags.fields().forEachRemaining(tag -> pairs.addObject().put("key", tag.getKey()).put("value", tag.getValue().asText()));
        } else if (tags != null && tags.isArray()) {
            tags.forEach(pair -> {
                if (pair.isArray() && pair.size() == 2) {
                    pairs.addObject().put("key", pair.get(0).asText()).put("value", pair.get(1).asText());
                }
            });
        }
        return pairs;
    }

    private static JsonNode json(String text) {
        try {
            return text == null ? NODES.nullNode() : JSON.readTree(text);
        } catch (IOException e) {
            return NODES.textNode(text);
        }
    }
}
