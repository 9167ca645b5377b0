package dev.groundwork.monitoring.service.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.groundwork.monitoring.service.IngestError;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An envelope (Sentry's develop docs, "Envelopes"): a JSON header, then items, each a JSON header and a payload. This
 * holds only the items we keep; {@link #bytes} frames them again, every item with its {@code length}, for the inbox.
 */
public record Envelope(ObjectNode header, List<Item> items) {

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * An item: its type, its header, and its payload (empty for items only counted, such as transactions); for JSON
     * items, the tree {@link EnvelopeReader} built when it checked the payload, so that nobody parses it again.
     */
    public record Item(String type, ObjectNode header, byte[] payload, ObjectNode parsed) {

        public Item(String type, ObjectNode header, byte[] payload) {
            this(type, header, payload, null);
        }

        /** The payload as JSON (items other than attachments are JSON objects, checked when read); not to be changed. */
        public JsonNode json() {
            if (parsed != null) {
                return parsed;
            }
            try {
                return JSON.readTree(payload);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("item payload is not JSON", e);
            }
        }
    }

    /** The event id: the header's, else the first event's; null when neither has one. */
    public String eventId() {
        JsonNode id = header.get("event_id");
        return id != null && id.isTextual() ? id.asText() : null;
    }

    public boolean has(String type) {
        return items.stream().anyMatch(item -> item.type().equals(type));
    }

    /**
     * The envelope as the inbox keeps it. A header that no longer fits a header line once framed (the length and the
     * event id added, numbers written in Java's form) is refused here: the reader could not read it back.
     */
    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            out.write(headerLine(header, IngestError.BAD_HEADER));
            for (Item item : items) {
                ObjectNode itemHeader = item.header().deepCopy();
                itemHeader.put("type", item.type());
                itemHeader.put("length", item.payload().length);
                out.write('\n');
                out.write(headerLine(itemHeader, IngestError.BAD_ITEM_HEADER));
                out.write('\n');
                out.write(item.payload());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static byte[] headerLine(ObjectNode header, String detail) throws java.io.IOException {
        byte[] line = JSON.writeValueAsBytes(header);
        if (line.length > EnvelopeReader.MAX_HEADER_LINE) {
            throw IngestError.badRequest(detail, "over " + EnvelopeReader.MAX_HEADER_LINE + " bytes once framed");
        }
        return line;
    }

    @Override
    public String toString() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }
}
