package dev.groundwork.monitoring.events;

import dev.groundwork.events.quarkus.Events;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;

/**
 * Publishes issue events (docs/events.md) through the outbox, in processing's transaction. The data names the issue
 * and where it happened, never its title or an event's content: those can hold personal data, and a consumer that
 * needs them (an alert) reads them through the API.
 */
@ApplicationScoped
public class IssueEvents {

    public static final String ISSUE_CREATED = "dev.groundwork.monitoring.issue.created.v1";
    public static final String ISSUE_REGRESSED = "dev.groundwork.monitoring.issue.regressed.v1";

    public record IssueChange(long issueId, long projectId, String projectSlug, String level, String type, String release,
                              String environment, Instant at) {
    }

    @Inject
    Events events;

    public void created(IssueChange issue) {
        events.publish(ISSUE_CREATED, Long.toString(issue.issueId()), issue);
    }

    public void regressed(IssueChange issue) {
        events.publish(ISSUE_REGRESSED, Long.toString(issue.issueId()), issue);
    }
}
