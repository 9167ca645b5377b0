package dev.groundwork.auth.rest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.groundwork.auth.error.AuthError;
import dev.groundwork.auth.error.ErrorCode;

import java.io.IOException;
import java.util.Map;

/** Reads request bodies ourselves, so that bad JSON and oversize bodies get GoTrue's error format. */
final class JsonBody {

    /** Far above any real request (a user_metadata of a few KiB); beyond it we do not parse. */
    static final int MAX_BYTES = 64 * 1024;

    private JsonBody() {
    }

    static Map<String, Object> parse(ObjectMapper json, byte[] body) {
        if (body == null || body.length == 0) {
            return Map.of();
        }
        if (body.length > MAX_BYTES) {
            throw new AuthError(413, ErrorCode.VALIDATION_FAILED, "Request body too large: at most " + MAX_BYTES + " bytes");
        }
        try {
            Map<String, Object> parsed = json.readValue(body, new TypeReference<>() { });
            return parsed == null ? Map.of() : parsed;
        } catch (IOException e) {
            String reason = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw AuthError.badRequest(ErrorCode.BAD_JSON, "Could not parse request body as JSON: " + reason);
        }
    }

    static String string(Map<String, Object> body, String name) {
        Object value = body.get(name);
        if (value != null && !(value instanceof String)) {
            throw AuthError.badRequest(ErrorCode.VALIDATION_FAILED, name + " must be a string");
        }
        return (String) value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> body, String name) {
        Object value = body.get(name);
        if (value != null && !(value instanceof Map)) {
            throw AuthError.badRequest(ErrorCode.VALIDATION_FAILED, name + " must be an object");
        }
        return (Map<String, Object>) value;
    }
}
