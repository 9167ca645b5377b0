package dev.groundwork.monitoring.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.groundwork.monitoring.config.MonitoringConfig;
import dev.groundwork.monitoring.events.IssueEvents;
import dev.groundwork.monitoring.repository.InboxRepository.InboxRow;
import dev.groundwork.monitoring.repository.IssueWrites;
import dev.groundwork.monitoring.repository.IssueWrites.CountKey;
import dev.groundwork.monitoring.repository.IssueWrites.EventRow;
import dev.groundwork.monitoring.repository.IssueWrites.IssueState;
import dev.groundwork.monitoring.repository.IssueWrites.NewIssue;
import dev.groundwork.monitoring.repository.IssueWrites.TagKey;
import dev.groundwork.monitoring.repository.ProjectRepository;
import dev.groundwork.monitoring.service.alerts.AlertRules;
import dev.groundwork.monitoring.service.alerts.Alerts;
import dev.groundwork.monitoring.service.envelope.Envelope;
import dev.groundwork.monitoring.service.envelope.EnvelopeReader;
import dev.groundwork.monitoring.service.grouping.Grouping;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Stores what a batch of inbox rows holds, on the transaction's connection: events grouped into issues (new issues
 * and regressions published as events, and as alert deliveries for the rules that watch them), their counts per hour,
 * users and tags, and the other items. Processing is idempotent on the event id: an event stored before (an SDK's
 * retry, a row processed again) changes nothing.
 */
@ApplicationScoped
public class EnvelopeProcessing {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Entries of a client report counted at most (an SDK reports a few categories and reasons). */
    private static final int MAX_CLIENT_REPORT_ENTRIES = 50;
    /** The inbox holds only what ingest accepted: these limits only guard against a row that is not an envelope. */
    private static final EnvelopeReader.Limits STORED = new EnvelopeReader.Limits(Integer.MAX_VALUE - 8, Integer.MAX_VALUE - 8, Long.MAX_VALUE);

    /** One event of the batch, read and grouped. */
    private record Incoming(long projectId, UUID eventId, JsonNode event, String payload, Instant receivedAt, EventFacts facts,
                            Grouping.Result grouping) {
    }

    private record IssueKey(long projectId, String hash) {
    }

    @Inject
    IssueWrites writes;
    @Inject
    IssueEvents issueEvents;
    @Inject
    ProjectRepository projects;
    @Inject
    MonitoringConfig config;
    @Inject
    SessionItems sessionItems;
    @Inject
    Alerts alerts;

    /** Stores the rows' items; returns the number of new events stored. */
    public int store(Connection connection, List<InboxRow> rows) throws SQLException, IOException {
        Map<String, Incoming> incoming = new LinkedHashMap<>();
        SessionItems.Batch health = sessionItems.batch();
        for (InboxRow row : rows) {
            Envelope envelope = EnvelopeReader.read(new ByteArrayInputStream(row.envelope()), STORED, EnvelopeReader.Budget.NONE);
            UUID envelopeEventId = uuid(envelope.eventId());
            for (Envelope.Item item : envelope.items()) {
                switch (item.type()) {
                    case EnvelopeReader.EVENT -> {
                        Incoming event = event(row, item, envelopeEventId);
                        incoming.putIfAbsent(event.projectId() + "/" + event.eventId(), event);
                    }
                    case EnvelopeReader.TRANSACTION -> writes.addOutcome(connection, row.projectId(), hour(row.receivedAt()),
                            "transaction", "accepted", "", 1);
                    case EnvelopeReader.SESSION, EnvelopeReader.SESSIONS -> {
                        session(connection, row, item);
                        sessionItems.read(health, row.projectId(), row.receivedAt(), item.type(), item.json());
                    }
                    case EnvelopeReader.CLIENT_REPORT -> clientReport(connection, row, item);
                    case EnvelopeReader.ATTACHMENT -> attachment(connection, row, item, envelopeEventId);
                    case EnvelopeReader.USER_REPORT -> userReport(connection, row, item.json());
                    case EnvelopeReader.FEEDBACK -> feedback(connection, row, item.json());
                    default -> {
                        // ingest keeps only the types above
                    }
                }
            }
        }
        if (!health.isEmpty()) {
            sessionItems.store(connection, health);
        }
        return storeEvents(connection, new ArrayList<>(incoming.values()));
    }

    private Incoming event(InboxRow row, Envelope.Item item, UUID envelopeEventId) {
        JsonNode event = item.json();
        JsonNode ownId = event.get("event_id");
        UUID id = ownId != null && ownId.isTextual() ? uuid(ownId.asText()) : envelopeEventId;
        id = id != null ? id : UUID.randomUUID();
        return new Incoming(row.projectId(), id, event, new String(item.payload(), StandardCharsets.UTF_8), row.receivedAt(),
                EventFacts.of(event, row.receivedAt(), config.retention()), Grouping.group(event));
    }

    private int storeEvents(Connection connection, List<Incoming> incoming) throws SQLException {
        if (incoming.isEmpty()) {
            return 0;
        }
        writes.lockEvents(connection, incoming.stream()
                .map(event -> (Map.Entry<Long, UUID>) new AbstractMap.SimpleImmutableEntry<>(event.projectId(), event.eventId())).toList());
        Map<Long, List<Incoming>> byProject = incoming.stream().collect(Collectors.groupingBy(Incoming::projectId));
        List<Incoming> fresh = new ArrayList<>();
        Map<Long, Map<String, Instant>> releases = new HashMap<>();
        for (Map.Entry<Long, List<Incoming>> project : byProject.entrySet()) {
            List<UUID> ids = project.getValue().stream().map(Incoming::eventId).toList();
            Set<UUID> stored = writes.existingEvents(connection, project.getKey(), ids);
            List<Incoming> newOnes = project.getValue().stream().filter(event -> !stored.contains(event.eventId())).toList();
            fresh.addAll(newOnes);
            Set<String> versions = newOnes.stream().map(event -> event.facts().release()).filter(v -> v != null)
                    .collect(Collectors.toSet());
            releases.put(project.getKey(), versions.isEmpty() ? Map.of() : writes.releases(connection, project.getKey(), versions));
        }
        // Issues in a fixed order (project, hash): replicas that process at once lock them in the same order.
        TreeMap<IssueKey, List<Incoming>> byIssue = new TreeMap<>(Comparator.comparingLong(IssueKey::projectId).thenComparing(IssueKey::hash));
        for (Incoming event : fresh) {
            byIssue.computeIfAbsent(new IssueKey(event.projectId(), event.grouping().hash()), key -> new ArrayList<>()).add(event);
        }
        List<EventRow> eventRows = new ArrayList<>();
        TreeMap<CountKey, Long> counts = new TreeMap<>();
        TreeSet<Map.Entry<Long, String>> users = new TreeSet<>(Map.Entry.<Long, String>comparingByKey().thenComparing(Map.Entry.comparingByValue()));
        TreeMap<TagKey, Long> tags = new TreeMap<>();
        Instant latestSeen = Instant.EPOCH;
        for (Map.Entry<IssueKey, List<Incoming>> issue : byIssue.entrySet()) {
            List<Incoming> events = issue.getValue();
            events.sort(Comparator.comparing(event -> event.facts().occurredAt()));
            long issueId = upsertIssue(connection, issue.getKey(), events, releases.get(issue.getKey().projectId()));
            for (Incoming event : events) {
                EventFacts facts = event.facts();
                eventRows.add(new EventRow(event.projectId(), event.eventId(), issueId, facts.occurredAt(), event.receivedAt(), facts.level(),
                        facts.release(), facts.environment(), facts.userKey(), event.payload()));
                counts.merge(new CountKey(issueId, hour(facts.occurredAt()), facts.environment() == null ? "" : facts.environment()), 1L, Long::sum);
                if (facts.userKey() != null) {
                    users.add(new AbstractMap.SimpleImmutableEntry<>(issueId, facts.userKey()));
                }
                facts.tags().forEach((key, value) -> tags.merge(new TagKey(issueId, key, value), 1L, Long::sum));
                latestSeen = latestSeen.isAfter(facts.occurredAt()) ? latestSeen : facts.occurredAt();
            }
        }
        if (!eventRows.isEmpty()) {
            writes.insertEvents(connection, eventRows);
            writes.addCounts(connection, counts);
            writes.addUsers(connection, users);
            writes.addTags(connection, tags, latestSeen);
        }
        return eventRows.size();
    }

    /** Creates the issue or adds the events to it (reopening it on a regression); returns its id. */
    private long upsertIssue(Connection connection, IssueKey key, List<Incoming> events, Map<String, Instant> releases) throws SQLException {
        Incoming first = events.get(0);
        Incoming latest = events.get(events.size() - 1);
        String lastRelease = events.stream().map(event -> event.facts().release()).filter(r -> r != null).reduce((a, b) -> b).orElse(null);
        NewIssue issue = newIssue(key, latest, first.facts().occurredAt(), latest.facts().occurredAt(), lastRelease, events.size());
        var created = writes.insertIssue(connection, issue);
        if (created.isPresent()) {
            IssueEvents.IssueChange change = change(created.get(), key.projectId(), latest);
            issueEvents.created(change);
            alerts.issueChanged(connection, AlertRules.NEW_ISSUE, change, issue.title(), issue.timesSeen());
            return created.get();
        }
        IssueState state = writes.lockIssue(connection, key.projectId(), key.hash());
        boolean reopen = false;
        if ("resolved".equals(state.status())) {
            for (Incoming event : events) {
                reopen = reopen || regresses(connection, state, event, releases);
            }
        }
        Instant firstSeen = state.firstSeen().isBefore(issue.firstSeen()) ? state.firstSeen() : issue.firstSeen();
        Instant lastSeen = state.lastSeen().isAfter(issue.lastSeen()) ? state.lastSeen() : issue.lastSeen();
        writes.updateIssue(connection, state.id(), issue, firstSeen, lastSeen, lastRelease != null ? lastRelease : state.lastRelease(),
                events.size(), reopen);
        if (reopen) {
            IssueEvents.IssueChange change = change(state.id(), key.projectId(), latest);
            issueEvents.regressed(change);
            alerts.issueChanged(connection, AlertRules.REGRESSION, change, issue.title(), state.timesSeen() + events.size());
        }
        return state.id();
    }

    /**
     * Whether an event reopens a resolved issue: any event when it was simply resolved; when it was resolved in a
     * release (or in the next one), only an event of a release first seen after that release (or after the resolution).
     */
    private boolean regresses(Connection connection, IssueState state, Incoming event, Map<String, Instant> releases) throws SQLException {
        boolean byRelease = state.resolvedInNextRelease() || state.resolvedInRelease() != null;
        if (!byRelease) {
            return true;
        }
        String release = event.facts().release();
        if (release == null || release.equals(state.resolvedInRelease())) {
            return false;
        }
        Instant since = state.resolvedAt() != null ? state.resolvedAt() : Instant.EPOCH;
        if (!state.resolvedInNextRelease()) {
            since = writes.releaseFirstSeen(connection, event.projectId(), state.resolvedInRelease()).orElse(since);
        }
        Instant firstSeen = releases.get(release);
        return firstSeen != null && firstSeen.isAfter(since);
    }

    private NewIssue newIssue(IssueKey key, Incoming latest, Instant firstSeen, Instant lastSeen, String release, long count) {
        Grouping.Result grouping = latest.grouping();
        String metadata;
        try {
            metadata = JSON.writeValueAsString(grouping.metadata());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new NewIssue(key.projectId(), key.hash(), Grouping.VERSION, grouping.type(), grouping.title(), grouping.culprit(), metadata,
                latest.facts().level(), latest.facts().platform(), firstSeen, lastSeen, release, count);
    }

    private IssueEvents.IssueChange change(long issueId, long projectId, Incoming event) {
        String slug = projects.byId(projectId).map(ProjectRepository.ProjectRow::slug).orElse(null);
        return new IssueEvents.IssueChange(issueId, projectId, slug, event.facts().level(), event.grouping().type(),
                event.facts().release(), event.facts().environment(), event.receivedAt());
    }

    private void session(Connection connection, InboxRow row, Envelope.Item item) throws SQLException {
        JsonNode session = item.json();
        JsonNode attributes = session.get("attrs");
        String release = attributes != null ? text(attributes, "release") : null;
        String environment = attributes != null ? text(attributes, "environment") : null;
        writes.insertSessionUpdate(connection, row.projectId(), item.type(), release, environment,
                new String(item.payload(), StandardCharsets.UTF_8), row.receivedAt());
    }

    /** A client report says what the SDK dropped and why ({@code discarded_events}: reason, category, quantity). */
    private void clientReport(Connection connection, InboxRow row, Envelope.Item item) throws SQLException {
        JsonNode discarded = item.json().get("discarded_events");
        if (discarded == null || !discarded.isArray()) {
            return;
        }
        for (int i = 0; i < Math.min(discarded.size(), MAX_CLIENT_REPORT_ENTRIES); i++) {
            JsonNode entry = discarded.get(i);
            String reason = text(entry, "reason");
            String category = text(entry, "category");
            JsonNode quantity = entry.get("quantity");
            if (reason != null && category != null && quantity != null && quantity.canConvertToLong() && quantity.asLong() > 0) {
                writes.addOutcome(connection, row.projectId(), hour(row.receivedAt()), bounded(category), "client_discard", bounded(reason),
                        quantity.asLong());
            }
        }
    }

    private void attachment(Connection connection, InboxRow row, Envelope.Item item, UUID eventId) throws SQLException {
        if (eventId == null) {
            return; // an attachment belongs to an event (Sentry drops one without)
        }
        String filename = text(item.header(), "filename");
        writes.insertAttachment(connection, row.projectId(), eventId, filename == null ? "attachment" : bounded(filename),
                text(item.header(), "content_type"), text(item.header(), "attachment_type") == null ? "event.attachment"
                        : bounded(text(item.header(), "attachment_type")), item.payload(), row.receivedAt());
    }

    /** The older user feedback item: {@code event_id}, {@code name}, {@code email}, {@code comments}. */
    private void userReport(Connection connection, InboxRow row, JsonNode report) throws SQLException {
        UUID eventId = uuid(text(report, "event_id"));
        String comments = text(report, "comments");
        if (eventId != null && comments != null) {
            writes.insertUserReport(connection, row.projectId(), eventId, eventId, text(report, "name"), text(report, "email"), comments,
                    row.receivedAt());
        }
    }

    /** The newer feedback event: {@code contexts.feedback} holds the message, contact and the event it is about. */
    private void feedback(Connection connection, InboxRow row, JsonNode event) throws SQLException {
        UUID reportId = uuid(text(event, "event_id"));
        JsonNode contexts = event.get("contexts");
        JsonNode feedback = contexts == null ? null : contexts.get("feedback");
        if (reportId == null || feedback == null || text(feedback, "message") == null) {
            return;
        }
        writes.insertUserReport(connection, row.projectId(), reportId, uuid(text(feedback, "associated_event_id")), text(feedback, "name"),
                text(feedback, "contact_email"), text(feedback, "message"), row.receivedAt());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    private static String bounded(String value) {
        return value.length() <= 200 ? value : value.substring(0, 200);
    }

    private static Instant hour(Instant at) {
        return at.truncatedTo(ChronoUnit.HOURS);
    }

    /** An event id (32 hex digits, or a UUID) as a UUID; null when it is neither. */
    static UUID uuid(String id) {
        if (id == null) {
            return null;
        }
        String hex = id.replace("-", "");
        if (hex.length() != 32 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return null;
        }
        return new UUID(Long.parseUnsignedLong(hex.substring(0, 16), 16), Long.parseUnsignedLong(hex.substring(16), 16));
    }
}
