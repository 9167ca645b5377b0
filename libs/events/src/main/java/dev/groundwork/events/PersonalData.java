package dev.groundwork.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks personal data in what operators are shown of an event (the dead-letter listing); the stored event keeps
 * it, so a replay has it all. A field named like an e-mail address or a phone number is masked whatever it holds
 * ({@code "email": "a***@example.com"}); anywhere else, in any string of the event and in error texts, whatever
 * looks like an e-mail address is masked the same way. Ids (user ids, subjects) are kept: they are what an
 * operator needs to find the user, and they say nothing about the person without the database.
 */
public final class PersonalData {

    private static final String MASK = "***";
    private static final String NOT_ADDRESS = "[^\\s@\"'<>(),;:\\[\\]\\\\]";
    private static final Pattern EMAIL = Pattern.compile("(" + NOT_ADDRESS + ")" + NOT_ADDRESS + "*@(" + NOT_ADDRESS + "+)");

    private PersonalData() {
    }

    /** The event JSON with personal data masked; text that is not JSON is masked as text. */
    public static String maskEvent(String json) {
        if (json == null) {
            return null;
        }
        try {
            return EventCodec.JSON.writeValueAsString(mask(EventCodec.JSON.readTree(json), false));
        } catch (JsonProcessingException notJson) {
            return maskText(json);
        }
    }

    /** The text with every e-mail address in it masked ({@code alice@example.com} → {@code a***@example.com}). */
    public static String maskText(String text) {
        if (text == null) {
            return null;
        }
        Matcher address = EMAIL.matcher(text);
        return address.replaceAll(found -> Matcher.quoteReplacement(found.group(1) + MASK + "@" + found.group(2)));
    }

    private static JsonNode mask(JsonNode node, boolean personal) {
        if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            node.fields().forEachRemaining(fields::add);
            ObjectNode masked = EventCodec.JSON.createObjectNode();
            for (Map.Entry<String, JsonNode> field : fields) {
                masked.set(field.getKey(), mask(field.getValue(), personal || personalField(field.getKey())));
            }
            return masked;
        }
        if (node.isArray()) {
            var masked = EventCodec.JSON.createArrayNode();
            node.forEach(item -> masked.add(mask(item, personal)));
            return masked;
        }
        if (node.isNull() || node.isBoolean()) {
            return node;
        }
        if (personal) {
            String text = node.asText();
            return TextNode.valueOf(EMAIL.matcher(text).matches() ? maskText(text) : MASK);
        }
        return node.isTextual() ? TextNode.valueOf(maskText(node.asText())) : node;
    }

    /** {@code email}, {@code new_email}, {@code phone}, {@code phoneNumber} and the like. */
    private static boolean personalField(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        return key.contains("email") || key.contains("e_mail") || key.contains("e-mail") || key.contains("phone");
    }
}
