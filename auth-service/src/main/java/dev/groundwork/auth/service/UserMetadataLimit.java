package dev.groundwork.auth.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.groundwork.auth.config.AuthConfig;
import dev.groundwork.auth.error.AuthError;
import dev.groundwork.auth.error.ErrorCode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;

/**
 * Caps {@code user_metadata} at {@code auth.user-metadata-max-bytes} of JSON: it goes into every access token, so 60 KB
 * of it made every request of that user carry 80 KB of headers (and broke proxies' header limits).
 */
@ApplicationScoped
public class UserMetadataLimit {

    @Inject
    AuthConfig config;
    @Inject
    ObjectMapper json;

    /** Throws 422 {@code validation_failed} when {@code metadata}, as it would be stored, is too large. */
    public void check(Map<String, Object> metadata) {
        int max = config.userMetadataMaxBytes();
        int size;
        try {
            size = json.writeValueAsBytes(metadata).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("user_metadata that was read as JSON cannot be written as JSON", e);
        }
        if (size > max) {
            throw new AuthError(422, ErrorCode.VALIDATION_FAILED, "user_metadata cannot be larger than " + max + " bytes");
        }
    }
}
