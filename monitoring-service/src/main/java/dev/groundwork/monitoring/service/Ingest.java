package dev.groundwork.monitoring.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.groundwork.monitoring.config.MonitoringConfig;
import dev.groundwork.monitoring.repository.ProjectRepository.ProjectRow;
import dev.groundwork.monitoring.service.envelope.Envelope;
import dev.groundwork.monitoring.service.envelope.EnvelopeReader;
import dev.groundwork.monitoring.service.envelope.LimitedInputStream;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.brotli.dec.BrotliInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * Sentry's ingest (develop docs, "Envelopes" and "Store endpoint"): checks the DSN key against the project, reads the
 * body (decompressed as it streams, within Sentry's limits), applies the project's quota, and hands what it keeps to
 * the inbox. What is wrong is an {@link IngestError}; nothing is stored unless the whole envelope is accepted.
 */
@ApplicationScoped
public class Ingest {

    private static final Pattern PROJECT_ID = Pattern.compile("[1-9][0-9]{0,17}");
    private static final Pattern EVENT_ID = Pattern.compile("[0-9a-fA-F]{32}|[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");
    /** The quota's categories (Sentry's data categories of error events, of either kind). */
    private static final String EVENT_CATEGORIES = "error;default";

    /** What arrived: the path's project id, where a DSN key may be, the encoding, and the body. */
    public record Request(String projectId, String sentryAuth, String authorization, String queryKey, String contentEncoding,
                          InputStream body, boolean store) {
    }

    @Inject
    Projects projects;
    @Inject
    Quotas quotas;
    @Inject
    InboxWriter inbox;
    @Inject
    MonitoringConfig config;
    @Inject
    MeterRegistry meters;
    @Inject
    IngestMemory memory;

    /** Completes with the event id (null when the envelope held no event) once what it keeps is committed. */
    public CompletionStage<String> accept(Request request) {
        IngestMemory.Reservation reservation = memory.open();
        try {
            return accept(request, reservation).whenComplete((id, failure) -> reservation.release());
        } catch (RuntimeException refused) {
            reservation.release();
            throw refused;
        }
    }

    private CompletionStage<String> accept(Request request, IngestMemory.Reservation reservation) {
        long projectId = projectId(request.projectId());
        String key = SentryAuth.key(request.sentryAuth(), request.authorization(), request.queryKey());
        ProjectRow project = key == null ? null : authenticate(key, projectId);
        Envelope envelope = read(request, reservation);
        if (project == null) {
            project = authenticate(keyOfDsn(envelope.header(), projectId), projectId);
        }
        String eventId = eventId(envelope);
        long events = envelope.items().stream().filter(item -> item.type().equals(EnvelopeReader.EVENT)).count();
        if (events > 0) {
            OptionalLong retryAfter = quotas.take(project, (int) events);
            if (retryAfter.isPresent()) {
                meters.counter("monitoring_ingest_rate_limited_total", "project", Long.toString(project.id())).increment(events);
                throw IngestError.quota(retryAfter.getAsLong(), EVENT_CATEGORIES);
            }
        }
        if (envelope.items().isEmpty()) {
            return CompletableFuture.completedFuture(eventId);
        }
        return inbox.submit(project.id(), envelope.bytes()).handle((written, failure) -> {
            if (failure == null) {
                return eventId;
            }
            Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
            throw cause instanceof IngestError refusal ? refusal : IngestError.unavailable(IngestError.UNAVAILABLE, 5);
        });
    }

    private static long projectId(String value) {
        if (value == null || !PROJECT_ID.matcher(value).matches()) {
            throw IngestError.badRequest(IngestError.BAD_PROJECT_ID);
        }
        return Long.parseLong(value);
    }

    private ProjectRow authenticate(String key, long projectId) {
        if (key == null) {
            throw IngestError.unauthorized(IngestError.MISSING_KEY);
        }
        if (!Projects.PUBLIC_KEY.matcher(key).matches()) {
            throw IngestError.unauthorized(IngestError.UNKNOWN_KEY);
        }
        ProjectRow project = projects.projectOfKey(key).orElseThrow(() -> IngestError.unauthorized(IngestError.UNKNOWN_KEY));
        if (project.id() != projectId) {
            throw IngestError.forbidden(IngestError.PROJECT_MISMATCH);
        }
        return project;
    }

    /** The key of the envelope header's {@code dsn} (browser SDKs' tunnels put it there); its project must be the path's. */
    static String keyOfDsn(ObjectNode header, long projectId) {
        JsonNode dsn = header.get("dsn");
        if (dsn == null || !dsn.isTextual()) {
            return null;
        }
        try {
            URI uri = URI.create(dsn.asText());
            String path = uri.getPath() == null ? "" : uri.getPath();
            if (!path.endsWith("/" + projectId)) {
                throw IngestError.forbidden(IngestError.PROJECT_MISMATCH);
            }
            String user = uri.getUserInfo();
            return user == null ? null : user.split(":", 2)[0];
        } catch (IllegalArgumentException e) {
            throw IngestError.badRequest(IngestError.BAD_HEADER, "dsn is not a URL");
        }
    }

    private Envelope read(Request request, EnvelopeReader.Budget budget) {
        MonitoringConfig.Ingest limits = config.ingest();
        EnvelopeReader.Limits itemLimits = new EnvelopeReader.Limits(limits.maxEventSize().asBigInteger().intValueExact(),
                limits.maxAttachmentSize().asBigInteger().intValueExact(), limits.maxKeptSize().asLongValue());
        return read(request.body(), request.contentEncoding(), request.store(), limits.maxCompressedSize().asLongValue(),
                limits.maxEnvelopeSize().asLongValue(), itemLimits, budget);
    }

    /** The body as an envelope, decoded as it streams and within the limits; static so that EnvelopeFuzzTest runs it without Quarkus. */
    static Envelope read(InputStream body, String contentEncoding, boolean store, long maxCompressed, long maxEnvelope,
                         EnvelopeReader.Limits itemLimits, EnvelopeReader.Budget budget) {
        InputStream limited = new LimitedInputStream(body, maxCompressed, IngestError.TOO_LARGE_REQUEST);
        try (InputStream decoded = new LimitedInputStream(decoder(contentEncoding, limited), maxEnvelope, IngestError.TOO_LARGE_ENVELOPE)) {
            return store ? storeEvent(decoded, itemLimits, budget) : EnvelopeReader.read(decoded, itemLimits, budget);
        } catch (IOException e) {
            throw IngestError.badRequest(contentEncoding == null ? IngestError.TRUNCATED : IngestError.BAD_COMPRESSION);
        }
    }

    /** The store endpoint's body is one event: it becomes an envelope of that one item. */
    private static Envelope storeEvent(InputStream body, EnvelopeReader.Limits limits, EnvelopeReader.Budget budget) throws IOException {
        byte[] payload = body.readNBytes(limits.maxJsonItem() + 1);
        if (payload.length > limits.maxJsonItem()) {
            throw IngestError.tooLarge(IngestError.TOO_LARGE_ITEM, "event over " + limits.maxJsonItem() + " bytes");
        }
        String framed = "{}\n{\"type\":\"event\",\"length\":" + payload.length + "}\n";
        InputStream envelope = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(framed.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                new java.io.ByteArrayInputStream(payload));
        return EnvelopeReader.read(envelope, limits, budget);
    }

    private static InputStream decoder(String contentEncoding, InputStream body) throws IOException {
        if (contentEncoding == null || contentEncoding.isBlank()) {
            return body;
        }
        InputStream decoded = body;
        // Encodings apply in the order listed: undo them from the last.
        List<String> encodings = new ArrayList<>(List.of(contentEncoding.toLowerCase(Locale.ROOT).split(",")));
        java.util.Collections.reverse(encodings);
        for (String encoding : encodings) {
            decoded = switch (encoding.strip()) {
                case "gzip", "x-gzip" -> new GZIPInputStream(decoded, 8192);
                case "deflate" -> new InflaterInputStream(decoded);
                case "br" -> new BrotliInputStream(decoded);
                case "identity", "" -> decoded;
                default -> throw IngestError.unsupportedEncoding(encoding.strip());
            };
        }
        return decoded;
    }

    /**
     * The event id the SDK gets back: the header's, else the event's; one is made when neither has it. It goes into
     * the header so that processing and the answer agree.
     */
    static String eventId(Envelope envelope) {
        String id = envelope.eventId() == null ? null : normalize(envelope.eventId());
        for (Envelope.Item item : envelope.items()) {
            if (item.type().equals(EnvelopeReader.EVENT)) {
                JsonNode own = item.json().get("event_id");
                String ownId = own == null || own.isNull() ? null : normalize(own.isTextual() ? own.asText() : own.toString());
                id = id != null ? id : ownId != null ? ownId : UUID.randomUUID().toString().replace("-", "");
            }
        }
        if (id != null) {
            envelope.header().set("event_id", JsonNodeFactory.instance.textNode(id));
        }
        return id;
    }

    /** Sentry's form of an event id: 32 lowercase hex digits. */
    static String normalize(String id) {
        if (!EVENT_ID.matcher(id).matches()) {
            throw IngestError.badRequest(IngestError.BAD_EVENT_ID, "32 hex digits or a UUID");
        }
        return id.replace("-", "").toLowerCase(Locale.ROOT);
    }
}
