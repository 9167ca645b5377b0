package dev.groundwork.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.OffsetDateTime;

/**
 * An event as a consumer receives it: the CloudEvents 1.0 attributes we use, with {@code data} as JSON.
 * {@code source} + {@code id} identify it; a redelivered event has the same pair.
 *
 * @param requestId   the {@code X-Request-Id} of the request that caused it (extension {@code requestid}), or null
 * @param traceparent the W3C trace context of that request (extension {@code traceparent}), or null
 */
public record Event(String id, String source, String type, String subject, OffsetDateTime time, JsonNode data,
                    String requestId, String traceparent) {

    /** The data as a typed record of the consuming service. */
    public <T> T data(Class<T> type) {
        try {
            return EventCodec.JSON.treeToValue(data, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event " + id + " of type " + this.type + " does not fit " + type.getSimpleName()
                    + ": " + e.getOriginalMessage(), e);
        }
    }
}
