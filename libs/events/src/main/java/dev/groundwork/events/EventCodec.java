package dev.groundwork.events;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The wire format of an event on a stream: CloudEvents 1.0 in structured JSON mode, written and read with the
 * CloudEvents Java SDK. A stream entry has one field, {@value #FIELD}, holding that JSON.
 */
public final class EventCodec {

    /** The stream entry field that holds the CloudEvents JSON. */
    public static final String FIELD = "event";
    static final String REQUEST_ID = "requestid";
    static final String TRACEPARENT = "traceparent";
    // Unknown fields are ignored: producers may add fields to a .v1 type without breaking its consumers.
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final JsonFormat FORMAT = new JsonFormat();

    private EventCodec() {
    }

    /** The event {@code id} of {@code producer} (source {@code urn:groundwork:<producer>}), as JSON. */
    public static String encode(String id, String producer, String type, String subject, JsonNode data, Trace trace) {
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(id)
                .withSource(URI.create("urn:groundwork:" + producer))
                .withType(type)
                .withSubject(subject)
                .withTime(OffsetDateTime.now(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withData(JsonCloudEventData.wrap(data));
        if (trace.requestId() != null) {
            builder.withExtension(REQUEST_ID, trace.requestId());
        }
        if (trace.traceparent() != null) {
            builder.withExtension(TRACEPARENT, trace.traceparent());
        }
        return new String(FORMAT.serialize(builder.build()), StandardCharsets.UTF_8);
    }

    /** Reads a stream entry's fields; a clear reason when it is not one of our events. */
    public static Event decode(Map<String, String> fields) throws MalformedEventException {
        String json = fields.get(FIELD);
        if (json == null) {
            throw new MalformedEventException("the stream entry has no '" + FIELD + "' field (fields: " + fields.keySet() + ")");
        }
        CloudEvent event;
        try {
            event = FORMAT.deserialize(json.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new MalformedEventException("not a CloudEvents 1.0 JSON event: " + rootMessage(e));
        }
        if (event.getSubject() == null) {
            throw new MalformedEventException("the event " + event.getId() + " has no subject");
        }
        return new Event(event.getId(), event.getSource().toString(), event.getType(), event.getSubject(),
                event.getTime(), data(event), extension(event, REQUEST_ID), extension(event, TRACEPARENT));
    }

    private static JsonNode data(CloudEvent event) throws MalformedEventException {
        CloudEventData data = event.getData();
        if (data == null) {
            return JSON.nullNode();
        }
        if (data instanceof JsonCloudEventData json) {
            return json.getNode();
        }
        try {
            return JSON.readTree(data.toBytes());
        } catch (IOException e) {
            throw new MalformedEventException("the data of event " + event.getId() + " is not JSON: " + e.getMessage());
        }
    }

    private static String extension(CloudEvent event, String name) {
        Object value = event.getExtension(name);
        return value == null ? null : value.toString();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message); // Jackson appends the source location on further lines

    }

    /** The request that caused an event: carried in the extensions {@code requestid} and {@code traceparent}. */
    public record Trace(String requestId, String traceparent) {
        public static final Trace NONE = new Trace(null, null);
    }
}
