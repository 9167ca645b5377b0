package dev.groundwork.monitoring.service.grouping;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Lenient reads of an event's JSON: SDKs send every shape, and a wrong type reads as absent rather than failing. */
final class EventJson {

    private EventJson() {
    }

    /** A string, number or boolean as text; null for anything else and for blank text. */
    static String text(JsonNode node) {
        if (node.isTextual()) {
            String text = node.textValue().strip();
            return text.isEmpty() ? null : text;
        }
        return node.isNumber() || node.isBoolean() ? node.asText() : null;
    }

    /** The objects in an array, skipping other elements; empty when the node is not an array. */
    static List<JsonNode> objects(JsonNode array) {
        List<JsonNode> objects = new ArrayList<>();
        if (array.isArray()) {
            for (JsonNode element : array) {
                if (element.isObject()) {
                    objects.add(element);
                }
            }
        }
        return objects;
    }

    /** Only a JSON {@code true} counts: {@code "in_app": "yes"} is not a claim we can trust. */
    static boolean isTrue(JsonNode node) {
        return node.isBoolean() && node.booleanValue();
    }
}
