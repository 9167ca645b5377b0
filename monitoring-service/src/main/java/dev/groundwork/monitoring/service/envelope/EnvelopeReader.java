package dev.groundwork.monitoring.service.envelope;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.groundwork.monitoring.service.IngestError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads an envelope from a (decompressed) stream, item by item, and keeps the items we store or count. Nothing is
 * read into memory beyond one item's limit; items of unknown types are skipped as they stream by (Sentry's rule:
 * never an error), and the stream as a whole stops at its own limit ({@link LimitedInputStream}).
 */
public final class EnvelopeReader {

    /** Error and message events: grouped into issues. */
    public static final String EVENT = "event";
    /** Performance transactions: counted, not stored (docs/monitoring-service.md). */
    public static final String TRANSACTION = "transaction";
    public static final String SESSION = "session";
    public static final String SESSIONS = "sessions";
    public static final String CLIENT_REPORT = "client_report";
    public static final String ATTACHMENT = "attachment";
    public static final String USER_REPORT = "user_report";
    public static final String FEEDBACK = "feedback";

    /** Items whose JSON payload we keep (attachments are kept as bytes, transactions only counted). */
    private static final Set<String> JSON_ITEMS = Set.of(EVENT, SESSION, SESSIONS, CLIENT_REPORT, USER_REPORT, FEEDBACK);
    /** Items kept from one envelope at most: each is a row to write, so a flood of tiny items is refused (413). */
    public static final int MAX_KEPT_ITEMS = 100;
    /** A header line (the envelope's or an item's) longer than this is not a header. */
    static final int MAX_HEADER_LINE = 64 * 1024;

    /**
     * @param maxJsonItem   the largest event or other JSON item (413 past it)
     * @param maxAttachment the largest attachment (413 past it)
     * @param maxKept       the largest sum of kept payloads (413 past it)
     */
    public record Limits(int maxJsonItem, int maxAttachment, long maxKept) {
    }

    /** Memory shared by the requests being read: asked for each kept payload before (or, without a length, as) it is read. */
    public interface Budget {
        /** Takes {@code bytes}, or throws the refusal when the replica has no more to give. */
        void reserve(long bytes);

        /** No budget: for reading what ingest already accepted. */
        Budget NONE = bytes -> { };
    }

    private final InputStream in;
    private final Limits limits;
    private final Budget budget;
    private long kept;

    private EnvelopeReader(InputStream in, Limits limits, Budget budget) {
        this.budget = budget;
        this.in = in.markSupported() ? in : new java.io.BufferedInputStream(in, 16 * 1024);
        this.limits = limits;
    }

    /** Reads the whole envelope; an {@link IngestError} says what is wrong with it. */
    public static Envelope read(InputStream in, Limits limits, Budget budget) throws IOException {
        return new EnvelopeReader(in, limits, budget).envelope();
    }

    /** The envelope header alone (the first line), for the DSN it may carry. */
    public static ObjectNode header(byte[] line) {
        return object(line, IngestError.BAD_HEADER);
    }

    private Envelope envelope() throws IOException {
        byte[] headerLine = headerLine(IngestError.BAD_HEADER);
        if (headerLine == null || headerLine.length == 0) {
            throw IngestError.badRequest(IngestError.EMPTY);
        }
        ObjectNode header = header(headerLine);
        List<Envelope.Item> items = new ArrayList<>();
        byte[] line;
        while ((line = headerLine(IngestError.BAD_ITEM_HEADER)) != null) {
            if (line.length == 0) {
                continue; // a blank line between items (or at the end) is tolerated, as Relay does
            }
            Envelope.Item item = item(object(line, IngestError.BAD_ITEM_HEADER));
            if (item != null) {
                if (items.size() == MAX_KEPT_ITEMS) {
                    throw IngestError.tooLarge(IngestError.TOO_MANY_ITEMS, "over " + MAX_KEPT_ITEMS + " items to keep");
                }
                items.add(item);
            }
        }
        return new Envelope(header, items);
    }

    private byte[] headerLine(String detail) throws IOException {
        try {
            return Lines.read(in, MAX_HEADER_LINE);
        } catch (Lines.TooLong e) {
            throw IngestError.badRequest(detail, "over " + MAX_HEADER_LINE + " bytes");
        }
    }

    private Envelope.Item item(ObjectNode header) throws IOException {
        JsonNode type = header.get("type");
        if (type == null || !type.isTextual() || type.asText().isEmpty()) {
            throw IngestError.badRequest(IngestError.BAD_ITEM_HEADER, "an item has no type");
        }
        String kind = type.asText();
        Long length = length(header);
        int limit = kind.equals(ATTACHMENT) ? limits.maxAttachment() : limits.maxJsonItem();
        boolean keep = JSON_ITEMS.contains(kind) || kind.equals(ATTACHMENT);
        if (!keep) {
            skip(length);
            return kind.equals(TRANSACTION) ? new Envelope.Item(kind, header, new byte[0]) : null;
        }
        if (length != null && length > limit) {
            throw IngestError.tooLarge(IngestError.TOO_LARGE_ITEM, kind + " over " + limit + " bytes");
        }
        if (length != null) {
            budget.reserve(length);
        }
        byte[] payload = length == null ? payloadLine(kind, limit) : exactly(length.intValue());
        if (length == null) {
            budget.reserve(payload.length);
        }
        // Checked as the text processing stores (a json column): Jackson alone would also take bytes that are not
        // UTF-8 in names, a byte order mark, and UTF-16 or 32, none of which Postgres takes (nor does Relay).
        ObjectNode parsed = JSON_ITEMS.contains(kind) ? object(utf8(payload), IngestError.BAD_PAYLOAD) : null;
        kept += payload.length;
        if (kept > limits.maxKept()) {
            throw IngestError.tooLarge(IngestError.TOO_LARGE_KEPT, "over " + limits.maxKept() + " bytes of items");
        }
        return new Envelope.Item(kind, header, payload, parsed);
    }

    private static Long length(ObjectNode header) {
        JsonNode length = header.get("length");
        if (length == null || length.isNull()) {
            return null;
        }
        if (!length.canConvertToLong() || !length.isIntegralNumber() || length.asLong() < 0) {
            throw IngestError.badRequest(IngestError.BAD_LENGTH, length.toString());
        }
        return length.asLong();
    }

    /** A payload without a length runs to the end of its line. */
    private byte[] payloadLine(String kind, int limit) throws IOException {
        try {
            byte[] line = Lines.read(in, limit);
            return line == null ? new byte[0] : line;
        } catch (Lines.TooLong e) {
            throw IngestError.tooLarge(IngestError.TOO_LARGE_ITEM, kind + " over " + limit + " bytes");
        }
    }

    private byte[] exactly(int length) throws IOException {
        byte[] payload = in.readNBytes(length);
        if (payload.length < length) {
            throw IngestError.badRequest(IngestError.TRUNCATED, "an item announced " + length + " bytes and had " + payload.length);
        }
        endOfPayload();
        return payload;
    }

    private void skip(Long length) throws IOException {
        if (length == null) {
            Lines.skip(in);
            return;
        }
        try {
            in.skipNBytes(length);
        } catch (java.io.EOFException e) {
            throw IngestError.badRequest(IngestError.TRUNCATED, "an item announced " + length + " bytes and had fewer");
        }
        endOfPayload();
    }

    /** After a payload of known length comes a newline or the end. */
    private void endOfPayload() throws IOException {
        in.mark(1);
        int next = in.read();
        if (next != '\n' && next != -1) {
            in.reset();
        }
    }

    /** A header: a JSON object, or the error {@code detail}. */
    static ObjectNode object(byte[] bytes, String detail) {
        try (JsonParser parser = Envelope.JSON.createParser(bytes)) {
            return object(parser, Envelope.JSON.readTree(parser), detail);
        } catch (IOException e) {
            throw IngestError.badRequest(detail, "not JSON");
        }
    }

    /** A JSON payload: a JSON object, or the error {@code detail}. */
    static ObjectNode object(String text, String detail) {
        try (JsonParser parser = Envelope.JSON.createParser(text)) {
            return object(parser, Envelope.JSON.readTree(parser), detail);
        } catch (IOException e) {
            throw IngestError.badRequest(detail, "not JSON");
        }
    }

    /** Trailing content, arrays and scalars are refused. */
    private static ObjectNode object(JsonParser parser, JsonNode node, String detail) throws IOException {
        if (!(node instanceof ObjectNode object) || parser.nextToken() != null) {
            throw IngestError.badRequest(detail, "not a JSON object");
        }
        return object;
    }

    private static String utf8(byte[] payload) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            throw IngestError.badRequest(IngestError.BAD_PAYLOAD, "not UTF-8");
        }
    }
}
