package dev.groundwork.monitoring;

import dev.groundwork.monitoring.repository.Retention;
import dev.groundwork.monitoring.service.RetentionJob;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static dev.groundwork.monitoring.Rows.count;
import static dev.groundwork.monitoring.Rows.update;
import static dev.groundwork.monitoring.AuthStub.BETA_KEY;
import static dev.groundwork.monitoring.Envelopes.await;
import static dev.groundwork.monitoring.Envelopes.errorEvent;
import static dev.groundwork.monitoring.Envelopes.event;
import static dev.groundwork.monitoring.Envelopes.newId;
import static dev.groundwork.monitoring.Envelopes.send;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Retention: events older than monitoring.retention go, issues not seen since go with them, and a project keeps its newest events. */
@QuarkusTest
class RetentionTest {

    @Inject
    RetentionJob job;
    @Inject
    Retention retention;

    @Test
    void oldEventsAndIssuesSeenNoMoreAreDeleted() {
        String type = "AgedError" + UUID.randomUUID().toString().substring(0, 8);
        String old = newId();
        String recent = newId();
        send(12, BETA_KEY, event(old, errorEvent(type, "old", "age"))).statusCode(200);
        send(12, BETA_KEY, event(recent, errorEvent(type + "Recent", "recent", "age"))).statusCode(200);
        await("both stored", () -> count("SELECT count(*) FROM monitoring.events WHERE event_id IN (?::uuid, ?::uuid)", old, recent) == 2);
        update("UPDATE monitoring.events SET received_at = now() - interval '91 days' WHERE event_id = ?::uuid", old);
        update("UPDATE monitoring.issues SET last_seen = now() - interval '91 days' WHERE title LIKE ?", type + ":%");

        job.run();

        assertEquals(0, count("SELECT count(*) FROM monitoring.events WHERE event_id = ?::uuid", old));
        assertEquals(0, count("SELECT count(*) FROM monitoring.issues WHERE title LIKE ?", type + ":%"));
        assertEquals(1, count("SELECT count(*) FROM monitoring.events WHERE event_id = ?::uuid", recent));
        assertEquals(1, count("SELECT count(*) FROM monitoring.issues WHERE title LIKE ?", type + "Recent:%"));
    }

    /** Fleet health's transitions older than the retention go, but a service's latest stays: uptime starts from it. */
    @Test
    void oldFleetTransitionsGoButEachServicesLatestStays() {
        String service = "aged-" + UUID.randomUUID().toString().substring(0, 8);
        String insert = "INSERT INTO monitoring.fleet_transitions (service, from_status, to_status, at) VALUES (?, ?, ?, now() - ?::interval)";
        update(insert, service, "unknown", "up", "100 days");
        update(insert, service, "up", "down", "95 days");
        update(insert, service, "down", "up", "92 days");

        job.run();

        assertEquals(1, count("SELECT count(*) FROM monitoring.fleet_transitions WHERE service = ?", service));
        assertEquals(1, count("SELECT count(*) FROM monitoring.fleet_transitions WHERE service = ? AND from_status = 'down' AND to_status = 'up'", service));
    }

    @Test
    void aProjectKeepsItsNewestEventsWithinItsCount() {
        String type = "CountedError" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 4; i++) {
            String id = newId();
            send(12, BETA_KEY, event(id, errorEvent(type, "n", "count"))).statusCode(200);
            await("stored", () -> count("SELECT count(*) FROM monitoring.events WHERE event_id = ?::uuid", id) == 1);
        }
        long total = count("SELECT count(*) FROM monitoring.events WHERE project_id = 12");
        retention.trimProject(12, total - 2);
        assertEquals(total - 2, count("SELECT count(*) FROM monitoring.events WHERE project_id = 12"));
        assertEquals(2, count("SELECT count(*) FROM monitoring.events e JOIN monitoring.issues i ON i.id = e.issue_id WHERE i.title LIKE ?",
                type + ":%"), "the newest two of the four are kept");
    }

}
