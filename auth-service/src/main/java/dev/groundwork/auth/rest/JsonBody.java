package dev.groundwork.auth.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.groundwork.auth.error.AuthError;
import dev.groundwork.auth.error.ErrorCode;
import io.quarkus.logging.Log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
            throw tooLarge();
        }
        try {
            Map<String, Object> parsed = json.readValue(body, new TypeReference<>() { });
            return parsed == null ? Map.of() : parsed;
        } catch (IOException e) {
            // GoTrue appends Go's parser message; Jackson's would name our classes, give positions and quote the
            // offending token (a password, perhaps). The caller gets the kind of fault, the log where it was.
            Log.infof("Request body is not JSON of an object: %s at %s", e.getClass().getSimpleName(),
                    e instanceof JsonProcessingException parse && parse.getLocation() != null
                            ? "line " + parse.getLocation().getLineNr() + ", column " + parse.getLocation().getColumnNr() : "?");
            throw AuthError.badRequest(ErrorCode.BAD_JSON, "Could not parse request body as JSON: " + fault(e, body));
        }
    }

    /** GoTrue has no code for it (Supabase's Kong answers 413). */
    static AuthError tooLarge() {
        return new AuthError(413, ErrorCode.VALIDATION_FAILED, "Request body too large: at most " + MAX_BYTES + " bytes");
    }

    /** The fault in Go's words where they say the same (GoTrue shows those), never Jackson's message. */
    private static String fault(IOException e, byte[] body) {
        boolean atTheEnd = e instanceof JsonProcessingException parse && parse.getLocation() != null
                && parse.getLocation().getByteOffset() >= body.length;
        if (e instanceof JsonEOFException || atTheEnd || new String(body, StandardCharsets.UTF_8).isBlank()) {
            return "unexpected end of JSON input";
        }
        if (e instanceof MismatchedInputException) {
            return "the body must be a JSON object";
        }
        return "invalid JSON";
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
