package dev.groundwork.monitoring.service;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.groundwork.monitoring.service.envelope.Envelope;
import dev.groundwork.monitoring.service.envelope.EnvelopeReader;
import dev.groundwork.monitoring.service.grouping.Grouping;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes what ingest does with a body (Jazzer, coverage-guided), without HTTP, auth or Quarkus: decoding, the limits,
 * {@link EnvelopeReader}, the event id and the DSN in the header, and the envelope framed again for the inbox. Every
 * input must end in an envelope or an {@link IngestError}; what is accepted must be read back by processing exactly as
 * it was accepted, and its events must be storable and groupable (an accepted envelope that processing cannot take is a
 * 200 whose event is lost).
 *
 * <p>{@code mvn test} replays the seeds and past findings in {@code EnvelopeFuzzTestInputs/} (regression mode, a few
 * seconds). To fuzz, see docs/development.md ("Fuzzing").
 *
 * <p>The input: byte 0 chooses the encoding (bits 0-1: none, gzip, deflate, br), the store endpoint (bit 2), whether
 * the rest is compressed here first so that the reader is fuzzed behind a real decoder (bit 3, gzip and deflate), and
 * the size of the chunks the body arrives in (bits 4-7: 2^n bytes, as a network delivers it); byte 1 the item limits;
 * byte 2 the envelope and request limits; the rest is the body.
 */
class EnvelopeFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] ENCODINGS = {null, "gzip", "deflate", "br"};
    private static final Set<String> KEPT = Set.of(EnvelopeReader.EVENT, EnvelopeReader.TRANSACTION, EnvelopeReader.SESSION,
            EnvelopeReader.SESSIONS, EnvelopeReader.CLIENT_REPORT, EnvelopeReader.ATTACHMENT, EnvelopeReader.USER_REPORT,
            EnvelopeReader.FEEDBACK);
    private static final Instant RECEIVED = Instant.parse("2026-11-23T21:49:11Z");

    @FuzzTest(maxDuration = "60s")
    void readsOrRefuses(byte[] input) {
        if (input.length < 3) {
            return;
        }
        int mode = input[0] & 0xff;
        String encoding = ENCODINGS[mode & 3];
        boolean store = (mode & 4) != 0;
        boolean compressHere = (mode & 8) != 0 && (encoding == null || !encoding.equals("br"));
        int chunk = 1 << (mode >>> 4);
        int itemScale = input[1] & 0xff;
        EnvelopeReader.Limits limits = new EnvelopeReader.Limits(64 * 1024 >> (itemScale & 7), 64 * 1024 >> (itemScale >>> 3 & 7),
                128 * 1024 >> (itemScale >>> 6));
        int bodyScale = input[2] & 0xff;
        long maxEnvelope = 1024 * 1024 >> (bodyScale & 15);
        long maxCompressed = 256 * 1024 >> (bodyScale >>> 4);
        byte[] raw = Arrays.copyOfRange(input, 3, input.length);
        byte[] body = compressHere && encoding != null ? compress(encoding, raw) : raw;

        Outcome outcome = ingest(body, encoding, store, chunk, maxCompressed, maxEnvelope, limits);
        if (compressHere && encoding != null) {
            // Sent uncompressed, the same envelope ends the same way, but for the stream limits: those stop the read
            // wherever read-ahead has got to, which the decoder changes.
            Outcome plain = ingest(raw, null, store, chunk, maxCompressed, maxEnvelope, limits);
            if (!outcome.streamLimit() && !plain.streamLimit()) {
                assertEquals(plain.toString(), outcome.toString(), encoding + " changed the outcome");
            }
        }
    }

    /** An envelope read as ingest reads it, or the refusal; every other exception fails the fuzz test. */
    private record Outcome(Envelope envelope, IngestError refusal) {
        boolean streamLimit() {
            return refusal != null && (refusal.detail().startsWith(IngestError.TOO_LARGE_REQUEST)
                    || refusal.detail().startsWith(IngestError.TOO_LARGE_ENVELOPE));
        }

        /** The refusal, or the envelope framed again without its event id (made up anew when the event has none). */
        @Override
        public String toString() {
            if (refusal != null) {
                return "refused " + refusal.status() + " " + refusal.detail();
            }
            ObjectNode header = envelope.header().deepCopy();
            header.remove("event_id");
            return new String(new Envelope(header, envelope.items()).bytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static Outcome ingest(byte[] body, String encoding, boolean store, int chunk, long maxCompressed, long maxEnvelope,
                                  EnvelopeReader.Limits limits) {
        Envelope envelope;
        try {
            envelope = Ingest.read(new NetworkBody(body, chunk), encoding, store, maxCompressed, maxEnvelope, limits,
                    EnvelopeReader.Budget.NONE);
            Ingest.eventId(envelope);
        } catch (IngestError refusal) {
            assertTrue(Set.of(400, 413, 415).contains(refusal.status()), refusal::toString);
            return new Outcome(null, refusal);
        }
        try {
            Ingest.keyOfDsn(envelope.header(), 42);
        } catch (IngestError refusal) {
            assertTrue(Set.of(400, 403).contains(refusal.status()), refusal::toString);
        }
        kept(envelope, limits);
        framedAgain(envelope, limits);
        return new Outcome(envelope, null);
    }

    /** What ingest keeps is within the limits, and every JSON item is a JSON object that Postgres takes as {@code json}. */
    private static void kept(Envelope envelope, EnvelopeReader.Limits limits) {
        long sum = 0;
        for (Envelope.Item item : envelope.items()) {
            assertTrue(KEPT.contains(item.type()), item.type());
            boolean attachment = item.type().equals(EnvelopeReader.ATTACHMENT);
            assertTrue(item.payload().length <= (attachment ? limits.maxAttachment() : limits.maxJsonItem()));
            sum += item.payload().length;
            if (attachment || item.type().equals(EnvelopeReader.TRANSACTION)) {
                continue;
            }
            // Processing stores new String(payload, UTF-8) into a json column: that text must be the same JSON object.
            String text = new String(item.payload(), StandardCharsets.UTF_8);
            JsonNode stored;
            try {
                stored = JSON.readTree(text);
            } catch (IOException e) {
                throw new AssertionError("a " + item.type() + " item was accepted but its text is not JSON: " + e.getMessage(), e);
            }
            assertTrue(stored instanceof ObjectNode, "a " + item.type() + " item was accepted but is not a JSON object");
            assertEquals(item.json(), stored, "the stored text of a " + item.type() + " item says something else");
            if (item.type().equals(EnvelopeReader.EVENT)) {
                EventFacts.of(stored, RECEIVED, Duration.ofDays(90));
                Grouping.group(stored);
            }
        }
        assertTrue(sum <= limits.maxKept());
    }

    /** The inbox row ({@link Envelope#bytes()}) is read back by processing as the same envelope. */
    private static void framedAgain(Envelope envelope, EnvelopeReader.Limits limits) {
        byte[] framed = envelope.bytes();
        Envelope again;
        try {
            again = EnvelopeReader.read(new ByteArrayInputStream(framed), limits, EnvelopeReader.Budget.NONE);
        } catch (IngestError | IOException e) {
            throw new AssertionError("an accepted envelope, framed for the inbox, cannot be read again: " + e.getMessage(), e);
        }
        // Said the same way: header numbers are doubles, and 1e400 comes back as the string "Infinity" (harmless).
        assertEquals(json(envelope.header()), json(again.header()));
        assertEquals(envelope.items().size(), again.items().size());
        for (int i = 0; i < envelope.items().size(); i++) {
            Envelope.Item before = envelope.items().get(i);
            Envelope.Item after = again.items().get(i);
            assertEquals(before.type(), after.type());
            assertArrayEquals(before.payload(), after.payload());
            ObjectNode header = before.header().deepCopy();
            header.put("type", before.type());
            header.put("length", before.payload().length);
            assertEquals(json(header), json(after.header()));
        }
        assertArrayEquals(framed, again.bytes(), "framing is not stable");
    }

    private static String json(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] compress(String encoding, byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream compressing = encoding.equals("gzip") ? new GZIPOutputStream(out) : new DeflaterOutputStream(out)) {
            compressing.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A request body as the server hands it over: no mark/reset, and at most a chunk per read. */
    private static final class NetworkBody extends InputStream {
        private final ByteArrayInputStream bytes;
        private final int chunk;

        NetworkBody(byte[] body, int chunk) {
            this.bytes = new ByteArrayInputStream(body);
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return bytes.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            return bytes.read(buffer, offset, Math.min(length, chunk));
        }

        @Override
        public void close() {
            // ByteArrayInputStream holds nothing
        }
    }
}
