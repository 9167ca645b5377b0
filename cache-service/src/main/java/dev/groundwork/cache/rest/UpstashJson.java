package dev.groundwork.cache.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.groundwork.cache.service.CacheError;
import dev.groundwork.cache.service.Reply;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Upstash's wire format: commands as JSON arrays of strings and numbers; results as {@code {"result": ...}}, with
 * {@code Upstash-Encoding: base64} every bulk string base64-encoded (inside arrays too) while status replies such as
 * {@code OK} stay as they are — what {@code @upstash/redis} decodes.
 */
final class UpstashJson {

    static final ObjectMapper JSON = new ObjectMapper();

    private UpstashJson() {
    }

    static List<byte[]> command(byte[] body) {
        JsonNode node = read(body, CacheError.BAD_JSON);
        return command(node, CacheError.BAD_JSON);
    }

    static List<List<byte[]>> commands(byte[] body) {
        JsonNode node = read(body, CacheError.BAD_PIPELINE);
        if (!node.isArray()) {
            throw CacheError.badRequest(CacheError.BAD_PIPELINE);
        }
        List<List<byte[]>> out = new ArrayList<>();
        for (JsonNode command : node) {
            out.add(command(command, CacheError.BAD_PIPELINE));
        }
        return out;
    }

    private static JsonNode read(byte[] body, String error) {
        if (body == null || body.length == 0) {
            throw CacheError.badRequest(error);
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null) {
                throw CacheError.badRequest(error);
            }
            return node;
        } catch (IOException e) {
            throw CacheError.badRequest(error);
        }
    }

    private static List<byte[]> command(JsonNode node, String error) {
        if (!node.isArray()) {
            throw CacheError.badRequest(error);
        }
        if (node.isEmpty()) {
            throw CacheError.badRequest(CacheError.EMPTY_COMMAND);
        }
        List<byte[]> argv = new ArrayList<>(node.size());
        for (JsonNode arg : node) {
            if (arg.isTextual()) {
                argv.add(arg.textValue().getBytes(StandardCharsets.UTF_8));
            } else if (arg.isNumber() || arg.isBoolean()) {
                argv.add(arg.asText().getBytes(StandardCharsets.UTF_8));
            } else {
                throw CacheError.badRequest(error);
            }
        }
        return argv;
    }

    static Map<String, Object> result(Object reply, boolean base64) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("result", encode(reply, base64));
        return out;
    }

    static List<Map<String, Object>> outcomes(List<Reply.Outcome> outcomes, boolean base64) {
        List<Map<String, Object>> out = new ArrayList<>(outcomes.size());
        for (Reply.Outcome outcome : outcomes) {
            out.add(outcome.error() != null ? error(outcome.error()) : result(outcome.result(), base64));
        }
        return out;
    }

    static Map<String, Object> error(String message) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("error", message);
        return out;
    }

    static Object encode(Object reply, boolean base64) {
        if (reply instanceof byte[] bytes) {
            return base64 ? Base64.getEncoder().encodeToString(bytes) : new String(bytes, StandardCharsets.UTF_8);
        }
        if (reply instanceof Reply.Status status) {
            // @upstash/redis keeps exactly "OK"; any other status (PONG, a TYPE answer) it base64-decodes.
            return base64 && !"OK".equals(status.text())
                    ? Base64.getEncoder().encodeToString(status.text().getBytes(StandardCharsets.UTF_8)) : status.text();
        }
        if (reply instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                out.add(encode(item, base64));
            }
            return out;
        }
        if (reply instanceof Reply.Failure failure) {
            return error(failure.message());
        }
        return reply;
    }

    static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
