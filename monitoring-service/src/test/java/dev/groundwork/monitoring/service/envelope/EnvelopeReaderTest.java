package dev.groundwork.monitoring.service.envelope;

import dev.groundwork.monitoring.service.IngestError;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The envelope format's edge cases (Sentry's develop docs, "Envelopes"), and what fuzzing found (EnvelopeFuzzTest). */
class EnvelopeReaderTest {

    private static final int ITEM = 1024;
    private static final EnvelopeReader.Limits LIMITS = new EnvelopeReader.Limits(ITEM, 2 * ITEM, 4 * ITEM);
    private static final String EVENT = "{\"message\":\"hello\"}";

    @Test
    void theCapturedSentryJavaEnvelopeIsReadAndFramedAgain() throws IOException {
        Envelope envelope = read(sentryJava(), new EnvelopeReader.Limits(1024 * 1024, 1024 * 1024, 1024 * 1024));
        assertEquals("291593a4c67c4997a2d1cb2d1796d3b0", envelope.eventId());
        assertEquals(1, envelope.items().size());
        assertEquals(4191, envelope.items().get(0).payload().length);
        assertEquals("NullPointerException", envelope.items().get(0).json().at("/exception/values/0/type").asText());
        assertSameWhenFramedAgain(envelope, limitsOf(4191));
    }

    @Test
    void blankLinesBetweenItemsAndAtTheEndAreSkipped() throws IOException {
        Envelope envelope = read("{}\n\n" + item("event", EVENT) + "\n\n\n" + "{\"type\":\"event\"}\n{}\n\n\n");
        assertEquals(2, envelope.items().size());
        assertEquals(EVENT, text(envelope.items().get(0)));
        assertEquals("{}", text(envelope.items().get(1)));
    }

    @Test
    void aPayloadWithoutLengthMayEndTheEnvelopeWithoutNewline() throws IOException {
        Envelope envelope = read("{}\n{\"type\":\"event\"}\n" + EVENT);
        assertEquals(EVENT, text(envelope.items().get(0)));
        Envelope withLength = read("{}\n" + "{\"type\":\"event\",\"length\":" + EVENT.length() + "}\n" + EVENT);
        assertEquals(EVENT, text(withLength.items().get(0)));
    }

    @Test
    void anItemWithoutPayloadAtTheEndIsEmpty() throws IOException {
        Envelope envelope = read("{}\n{\"type\":\"attachment\",\"filename\":\"empty.txt\"}");
        assertEquals(0, envelope.items().get(0).payload().length);
        refused("{}\n{\"type\":\"event\"}", IngestError.BAD_PAYLOAD); // an event needs a JSON object
    }

    @Test
    void aLengthExactlyAtTheLimitIsTakenAndOneOverIsRefused() throws IOException {
        String atLimit = object(ITEM);
        assertEquals(ITEM, read("{}\n" + item("event", atLimit)).items().get(0).payload().length);
        assertEquals(ITEM, read("{}\n{\"type\":\"event\"}\n" + atLimit + "\n").items().get(0).payload().length);
        String oneOver = object(ITEM + 1);
        assertEquals(413, refused("{}\n" + item("event", oneOver), IngestError.TOO_LARGE_ITEM).status());
        assertEquals(413, refused("{}\n{\"type\":\"event\"}\n" + oneOver + "\n", IngestError.TOO_LARGE_ITEM).status());
        // The length alone is enough to refuse: nothing of the payload need be read.
        refused("{}\n{\"type\":\"event\",\"length\":" + (ITEM + 1) + "}\n", IngestError.TOO_LARGE_ITEM);
        // Attachments have their own limit, and the items kept together another.
        assertEquals(2 * ITEM, read("{}\n" + item("attachment", "a".repeat(2 * ITEM))).items().get(0).payload().length);
        refused("{}\n" + item("attachment", "a".repeat(2 * ITEM + 1)), IngestError.TOO_LARGE_ITEM);
        refused("{}\n" + item("attachment", "a".repeat(2 * ITEM)) + item("attachment", "a".repeat(2 * ITEM)) + item("event", "{}"),
                IngestError.TOO_LARGE_KEPT);
    }

    @Test
    void headerLinesOver64KiBAreRefused() throws IOException {
        int max = EnvelopeReader.MAX_HEADER_LINE;
        String header = "{\"pad\":\"" + "x".repeat(max - 10) + "\"}";
        assertEquals(max, header.length());
        assertEquals(max - 10, read(header + "\n").header().get("pad").asText().length());
        String over = "{\"pad\":\"" + "x".repeat(max - 9) + "\"}";
        assertEquals(400, refused(over + "\n", IngestError.BAD_HEADER).status());
        String itemHeader = "{\"type\":\"event\",\"pad\":\"" + "x".repeat(max - 24) + "\"}";
        assertEquals(max + 1, itemHeader.length());
        refused("{}\n" + itemHeader + "\n{}\n", IngestError.BAD_ITEM_HEADER);
        // Past the limit nothing more is buffered: a header line that never ends is refused all the same.
        refused("{\"pad\":\"" + "x".repeat(4 * max), IngestError.BAD_HEADER);
    }

    @Test
    void unknownItemsAreSkippedAndTransactionsOnlyCounted() throws IOException {
        Envelope envelope = read("{}\n" + item("replay_recording", "\n\nbinary\n") + "{\"type\":\"profile\"}\nnot json\n"
                + item("transaction", "{\"spans\":[]}") + item("event", EVENT));
        assertEquals(List.of("transaction", "event"), envelope.items().stream().map(Envelope.Item::type).toList());
        assertEquals(0, envelope.items().get(0).payload().length);
    }

    @Test
    void attachmentsKeepTheirBytes() throws IOException {
        byte[] binary = {'a', '\n', 0, (byte) 0xff, '\n', '\r'};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("{\"event_id\":\"9ec79c33ec9942ab8353589fcb2e04dc\"}\n{\"type\":\"attachment\",\"length\":" + binary.length
                + ",\"filename\":\"x.bin\"}\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(binary);
        Envelope envelope = EnvelopeReader.read(new ByteArrayInputStream(body.toByteArray()), LIMITS, EnvelopeReader.Budget.NONE);
        assertArrayEquals(binary, envelope.items().get(0).payload());
        assertSameWhenFramedAgain(envelope, LIMITS);
    }

    @Test
    void truncatedAndBadlyFramedEnvelopesAreRefused() {
        refused("", IngestError.EMPTY);
        refused("\n" + item("event", EVENT), IngestError.EMPTY);
        refused("[]\n", IngestError.BAD_HEADER);
        refused("{} {}\n", IngestError.BAD_HEADER);
        refused("{}\n{\"length\":2}\n{}\n", IngestError.BAD_ITEM_HEADER);
        refused("{}\n{\"type\":\"event\",\"length\":10}\n{}", IngestError.TRUNCATED);
        refused("{}\n{\"type\":\"profile\",\"length\":10}\n{}", IngestError.TRUNCATED);
        refused("{}\n{\"type\":\"event\",\"length\":-1}\n", IngestError.BAD_LENGTH);
        refused("{}\n{\"type\":\"event\",\"length\":1.0}\n", IngestError.BAD_LENGTH);
        refused("{}\n{\"type\":\"event\",\"length\":\"2\"}\n{}\n", IngestError.BAD_LENGTH);
        refused("{}\n{\"type\":\"event\",\"length\":99999999999999999999}\n", IngestError.BAD_LENGTH);
        refused("{}\n" + item("event", "[1]"), IngestError.BAD_PAYLOAD);
        refused("{}\n" + item("event", "{} trailing"), IngestError.BAD_PAYLOAD);
    }

    @Test
    void theStreamLimitStopsTheRead() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }
        };
        InputStream body = new java.io.SequenceInputStream(new ByteArrayInputStream("{}\n{\"type\":\"profile\"}\n".getBytes(StandardCharsets.UTF_8)),
                endless);
        IngestError refusal = assertThrows(IngestError.class,
                () -> EnvelopeReader.read(new LimitedInputStream(body, 100_000, IngestError.TOO_LARGE_ENVELOPE), LIMITS,
                        EnvelopeReader.Budget.NONE));
        assertEquals(413, refusal.status());
        assertTrue(refusal.detail().startsWith(IngestError.TOO_LARGE_ENVELOPE));
    }

    @Test
    void framingAgainGivesTheSameItems() throws IOException {
        Envelope envelope = read("{\"event_id\":\"9ec79c33ec9942ab8353589fcb2e04dc\",\"sent_at\":\"2026-11-23T21:49:10.465Z\"}\n"
                + "{\"type\":\"event\"}\n" + EVENT + "\n\n" + item("transaction", "{}")
                + "{\"type\":\"attachment\",\"filename\":\"a.txt\",\"length\":3}\nabc" + "{\"type\":\"session\"}\n{\"sid\":\"1\"}");
        assertSameWhenFramedAgain(envelope, LIMITS);
        String framed = envelope.toString();
        assertTrue(framed.contains("{\"type\":\"event\",\"length\":" + EVENT.length() + "}\n" + EVENT + "\n"), framed);
        assertTrue(framed.contains("{\"type\":\"transaction\",\"length\":0}\n"), framed);
    }

    // What fuzzing found (EnvelopeFuzzTest, docs/development.md "Fuzzing"), and its kin.

    /**
     * Finding 1: Jackson read an event whose field name held a byte that is not UTF-8 (0xff, in the @sentry/node
     * event); ingest answered 200, grouping saw one name and the stored text (decoded as UTF-8) another.
     */
    @Test
    void anEventThatIsNotUtf8IsRefused() throws IOException {
        byte[] event = resource("sentry/sentry-node-event.json");
        String text = new String(event, StandardCharsets.UTF_8);
        int at = text.indexOf("\"sdk\"") + 1;
        byte[] broken = new byte[event.length + 1];
        System.arraycopy(event, 0, broken, 0, at);
        broken[at] = (byte) 0xff;
        System.arraycopy(event, at, broken, at + 1, event.length - at);
        EnvelopeReader.Limits limits = limitsOf(64 * 1024);
        IngestError refusal = assertThrows(IngestError.class, () -> read(envelope(broken), limits));
        assertEquals(400, refusal.status());
        assertEquals(IngestError.BAD_PAYLOAD + ": not UTF-8", refusal.detail());
        assertEquals(1, read(envelope(event), limits).items().size());
    }

    /** Jackson takes a byte order mark and UTF-16 or 32; Postgres's json and Relay take neither: an accepted event would be lost. */
    @Test
    void anEventWithAByteOrderMarkOrInUtf16IsRefused() {
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '}'};
        refused(envelope(bom), IngestError.BAD_PAYLOAD);
        refused(envelope("{}".getBytes(StandardCharsets.UTF_16LE)), IngestError.BAD_PAYLOAD);
        refused(envelope("{}".getBytes(StandardCharsets.UTF_16BE)), IngestError.BAD_PAYLOAD);
        byte[] surrogate = {'{', '"', 'a', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0xbd, '"', '}'}; // UTF-8 has no surrogates
        refused(envelope(surrogate), IngestError.BAD_PAYLOAD);
    }

    /**
     * Header numbers are read as doubles: 1e400 is framed again as the string "Infinity" (nobody reads header numbers
     * but the length), 1e6 as 1000000.0. Finding 2: reading them as BigDecimal instead (tried, so that they came back as
     * sent) threw NumberFormatException on an exponent no BigDecimal holds, and framed 100e2147483647 as a number
     * nothing reads back.
     */
    @Test
    void headerNumbersOfAnySizeFrameStably() throws IOException {
        Envelope envelope = read("{\"n\":1e400,\"m\":1e6,\"k\":1.50,\"i\":12345678901234567890123,"
                + "\"f\":666666666666666e666666666666666666666666666666666666666666,\"g\":100e2147483647}\n"
                + "{\"type\":\"event\",\"x\":-1E-7,\"y\":1e-99999999999}\n{}\n");
        assertSameWhenFramedAgain(envelope, LIMITS);
        assertEquals("Infinity", read(envelope.bytes()).header().get("n").asText());
    }

    /** The inbox's reader has the same 64 KiB header limit: a header that grows past it when framed is refused, not stored. */
    @Test
    void aHeaderThatOutgrowsTheLimitWhenFramedIsRefused() throws IOException {
        int max = EnvelopeReader.MAX_HEADER_LINE;
        String itemHeader = "{\"type\":\"attachment\",\"pad\":\"" + "x".repeat(max - 30) + "\"}";
        assertEquals(max, itemHeader.length());
        Envelope envelope = read("{}\n" + itemHeader + "\nabc\n"); // fits as sent; with its length added it would not
        IngestError refusal = assertThrows(IngestError.class, envelope::bytes);
        assertTrue(refusal.detail().startsWith(IngestError.BAD_ITEM_HEADER), refusal.detail());
        String numbers = "{\"n\":[" + "1e6,".repeat(max / 4 - 4) + "1]}"; // each 1e6 becomes 1E+6
        assertTrue(numbers.length() <= max);
        Envelope grown = read(numbers + "\n");
        IngestError headerRefusal = assertThrows(IngestError.class, grown::bytes);
        assertTrue(headerRefusal.detail().startsWith(IngestError.BAD_HEADER), headerRefusal.detail());
    }

    private static void assertSameWhenFramedAgain(Envelope envelope, EnvelopeReader.Limits limits) throws IOException {
        byte[] framed = envelope.bytes();
        Envelope again = EnvelopeReader.read(new ByteArrayInputStream(framed), limits, EnvelopeReader.Budget.NONE);
        assertEquals(Envelope.JSON.writeValueAsString(envelope.header()), Envelope.JSON.writeValueAsString(again.header()));
        assertEquals(envelope.items().size(), again.items().size());
        for (int i = 0; i < envelope.items().size(); i++) {
            assertEquals(envelope.items().get(i).type(), again.items().get(i).type());
            assertArrayEquals(envelope.items().get(i).payload(), again.items().get(i).payload());
        }
        assertArrayEquals(framed, again.bytes());
    }

    private static EnvelopeReader.Limits limitsOf(int item) {
        return new EnvelopeReader.Limits(item, item, item);
    }

    static Envelope read(String envelope) throws IOException {
        return read(envelope, LIMITS);
    }

    static Envelope read(String envelope, EnvelopeReader.Limits limits) throws IOException {
        return EnvelopeReader.read(new ByteArrayInputStream(envelope.getBytes(StandardCharsets.UTF_8)), limits, EnvelopeReader.Budget.NONE);
    }

    static Envelope read(byte[] envelope) throws IOException {
        return read(envelope, LIMITS);
    }

    static Envelope read(byte[] envelope, EnvelopeReader.Limits limits) throws IOException {
        return EnvelopeReader.read(new ByteArrayInputStream(envelope), limits, EnvelopeReader.Budget.NONE);
    }

    static IngestError refused(byte[] envelope, String detail) {
        IngestError refusal = assertThrows(IngestError.class, () -> read(envelope));
        assertTrue(refusal.detail().startsWith(detail), () -> "expected " + detail + ", got " + refusal.detail());
        return refusal;
    }

    /** An envelope of one event item with this payload, its length given. */
    static byte[] envelope(byte[] event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("{}\n{\"type\":\"event\",\"length\":" + event.length + "}\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(event);
        return out.toByteArray();
    }

    static IngestError refused(String envelope, String detail) {
        IngestError refusal = assertThrows(IngestError.class, () -> read(envelope));
        assertTrue(refusal.detail().startsWith(detail), () -> "expected " + detail + ", got " + refusal.detail());
        return refusal;
    }

    static String item(String type, String payload) {
        return "{\"type\":\"" + type + "\",\"length\":" + payload.getBytes(StandardCharsets.UTF_8).length + "}\n" + payload + "\n";
    }

    /** A JSON object of exactly {@code size} bytes. */
    static String object(int size) {
        return "{\"a\":\"" + "x".repeat(size - 8) + "\"}";
    }

    private static String text(Envelope.Item item) {
        return new String(item.payload(), StandardCharsets.UTF_8);
    }

    private static String sentryJava() {
        String capture = new String(resource("sentry/sentry-java-8.27.1-envelope-capture.txt"), StandardCharsets.UTF_8);
        return capture.substring(capture.indexOf('\n', capture.indexOf("[wire bytes=")) + 1);
    }

    private static byte[] resource(String name) {
        try (InputStream in = EnvelopeReaderTest.class.getClassLoader().getResourceAsStream(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
