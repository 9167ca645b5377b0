package dev.groundwork.monitoring.service;

import dev.groundwork.http.Problem;
import dev.groundwork.monitoring.config.MonitoringConfig;
import dev.groundwork.monitoring.repository.IssueReads;
import dev.groundwork.monitoring.repository.IssueReads.EventRow;
import dev.groundwork.monitoring.repository.IssueReads.Filter;
import dev.groundwork.monitoring.repository.IssueReads.IssueRow;
import dev.groundwork.monitoring.repository.IssueReads.TagRow;
import dev.groundwork.monitoring.repository.ProjectRepository.ProjectRow;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issues as Sentry's web API shows them: the list with Sentry's search syntax ({@code is:}, {@code level:},
 * {@code release:}, free text), periods and environments; one issue with its stats and tags; its events; a status
 * change (resolve, resolve in the next release or in a release, ignore, reopen).
 */
@ApplicationScoped
public class Issues {

    public static final Set<String> STATUSES = Set.of("unresolved", "resolved", "ignored");
    private static final Pattern TOKEN = Pattern.compile("(\\w+):(\"[^\"]*\"|\\S+)|\"([^\"]*)\"|(\\S+)");
    /** Sentry's default issue search. */
    public static final String DEFAULT_QUERY = "is:unresolved";
    public static final int MAX_LIMIT = 100;

    /** An issue with what the API adds: its project, stats per bucket, and (for one issue) its tags. */
    public record IssueView(IssueRow issue, ProjectRow project, String statsPeriod, List<long[]> stats, List<TagRow> tags) {
    }

    /** One page: the items, and the offset of the next page when there may be one. */
    public record Page<T>(List<T> items, int offset, Integer nextOffset) {
    }

    @Inject
    IssueReads reads;
    @Inject
    ProjectAccess access;
    @Inject
    MonitoringConfig config;

    public Page<IssueView> list(String organization, String slug, String query, String statsPeriod, String groupStatsPeriod,
                                String environment, String sort, int offset, int limit, SecurityIdentity caller) {
        ProjectRow project = access.readable(organization, slug, caller);
        Duration period = period(statsPeriod == null || statsPeriod.isBlank() ? "14d" : statsPeriod);
        Filter filter = filter(project.id(), query == null ? DEFAULT_QUERY : query, environment == null || environment.isBlank() ? null : environment,
                Instant.now().minus(period).truncatedTo(ChronoUnit.HOURS));
        int size = Math.max(1, Math.min(limit, MAX_LIMIT));
        List<IssueRow> rows = reads.issues(filter, sort(sort), Math.max(0, offset), size + 1);
        String statsKey = statsKey(groupStatsPeriod, period);
        List<IssueView> views = new ArrayList<>();
        for (IssueRow row : rows.subList(0, Math.min(size, rows.size()))) {
            views.add(new IssueView(row, project, statsKey, stats(row.id(), statsKey, filter.environment()), List.of()));
        }
        return new Page<>(views, offset, rows.size() > size ? offset + size : null);
    }

    public IssueView get(long id, SecurityIdentity caller) {
        IssueRow issue = issue(id);
        ProjectRow project = access.readable(issue.projectId(), caller);
        return new IssueView(issue, project, "24h", stats(id, "24h", null), reads.tags(id));
    }

    /**
     * Sentry's status update: {@code resolved} (with {@code inNextRelease} or {@code inRelease}), {@code ignored},
     * {@code unresolved}.
     */
    public IssueView update(long id, String status, Boolean inNextRelease, String inRelease, SecurityIdentity caller) {
        IssueRow issue = issue(id);
        access.readable(issue.projectId(), caller);
        if (status == null || !STATUSES.contains(status)) {
            throw new Problem(400, ApiErrors.INVALID, "status is one of unresolved, resolved, ignored");
        }
        if (!"resolved".equals(status) && (Boolean.TRUE.equals(inNextRelease) || inRelease != null)) {
            throw new Problem(400, ApiErrors.INVALID, "statusDetails.inNextRelease and inRelease go with status resolved");
        }
        if (inRelease != null && (inRelease.isBlank() || inRelease.length() > 200)) {
            throw new Problem(400, ApiErrors.INVALID, "statusDetails.inRelease is a release name");
        }
        boolean next = Boolean.TRUE.equals(inNextRelease);
        // "Next release": the release current now is the one the fix is not in; events of later ones reopen the issue.
        String release = next ? issue.lastRelease() : inRelease;
        reads.setStatus(id, status, release, next);
        return get(id, caller);
    }

    public Page<EventRow> events(long id, int offset, int limit, SecurityIdentity caller) {
        access.readable(issue(id).projectId(), caller);
        int size = Math.max(1, Math.min(limit, MAX_LIMIT));
        List<EventRow> rows = reads.events(id, Math.max(0, offset), size + 1);
        return new Page<>(rows.subList(0, Math.min(size, rows.size())), offset, rows.size() > size ? offset + size : null);
    }

    /** The latest event ({@code latest}), or one by id. */
    public EventRow event(long id, String eventId, SecurityIdentity caller) {
        access.readable(issue(id).projectId(), caller);
        if ("latest".equals(eventId)) {
            return reads.events(id, 0, 1).stream().findFirst()
                    .orElseThrow(() -> new Problem(404, ApiErrors.NOT_FOUND, "the issue has no events left"));
        }
        UUID uuid = EnvelopeProcessing.uuid(eventId);
        if (uuid == null) {
            throw new Problem(404, ApiErrors.NOT_FOUND, "no event " + eventId);
        }
        return reads.event(id, uuid).orElseThrow(() -> new Problem(404, ApiErrors.NOT_FOUND, "no event " + eventId));
    }

    private IssueRow issue(long id) {
        return reads.issue(id).orElseThrow(() -> new Problem(404, ApiErrors.NOT_FOUND, "no issue " + id));
    }

    /** Sentry's search: {@code is:<status>}, {@code level:}, {@code release:}; the rest is text in the title or culprit. */
    static Filter filter(long projectId, String query, String environment, Instant since) {
        List<String> statuses = new ArrayList<>();
        String level = null;
        String release = null;
        List<String> text = new ArrayList<>();
        Matcher token = TOKEN.matcher(query);
        while (token.find()) {
            if (token.group(1) != null) {
                String value = unquote(token.group(2));
                switch (token.group(1).toLowerCase(Locale.ROOT)) {
                    case "is" -> {
                        if (!STATUSES.contains(value)) {
                            throw new Problem(400, ApiErrors.INVALID, "is: takes unresolved, resolved or ignored");
                        }
                        statuses.add(value);
                    }
                    case "level" -> level = value;
                    case "release" -> release = value;
                    case "environment" -> environment = value;
                    default -> throw new Problem(400, ApiErrors.INVALID, "unknown search key " + token.group(1)
                            + " (is:, level:, release:, environment: and free text)");
                }
            } else {
                text.add(token.group(3) != null ? token.group(3) : token.group(4));
            }
        }
        return new Filter(projectId, statuses, level, release, text.isEmpty() ? null : String.join(" ", text), environment, since);
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }

    private Duration period(String value) {
        return Periods.parse(value, config.retention());
    }

    private static IssueReads.Sort sort(String sort) {
        if (sort == null || sort.isBlank()) {
            return IssueReads.Sort.DATE;
        }
        try {
            return IssueReads.Sort.valueOf(sort.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Problem(400, ApiErrors.INVALID, "sort is date, new, freq or user");
        }
    }

    /** Sentry's {@code groupStatsPeriod}: 24 hourly buckets ({@code 24h}) or 14 daily ones ({@code 14d}); auto by the period. */
    private static String statsKey(String groupStatsPeriod, Duration period) {
        if (groupStatsPeriod == null || groupStatsPeriod.isBlank() || groupStatsPeriod.equals("auto")) {
            return period.compareTo(Duration.ofDays(1)) <= 0 ? "24h" : "14d";
        }
        if (!groupStatsPeriod.equals("24h") && !groupStatsPeriod.equals("14d")) {
            throw new Problem(400, ApiErrors.INVALID, "groupStatsPeriod is 24h, 14d or auto");
        }
        return groupStatsPeriod;
    }

    /** [bucket start in epoch seconds, events] for each bucket of the period, oldest first, zeros included. */
    private List<long[]> stats(long issueId, String key, String environment) {
        boolean hourly = key.equals("24h");
        long bucket = hourly ? 3600 : 86400;
        int buckets = hourly ? 24 : 14;
        long now = Instant.now().getEpochSecond();
        long first = (now / bucket - buckets + 1) * bucket;
        Map<Long, Long> counts = reads.stats(issueId, Instant.ofEpochSecond(first), bucket, environment);
        List<long[]> stats = new ArrayList<>();
        for (int i = 0; i < buckets; i++) {
            long start = first + i * bucket;
            stats.add(new long[] {start, counts.getOrDefault(start, 0L)});
        }
        return stats;
    }
}
