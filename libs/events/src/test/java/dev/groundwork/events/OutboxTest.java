package dev.groundwork.events;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OutboxTest {

    @Test
    void publishedRowsAreDeletedAfterTheRetentionAndUnpublishedOnesNever() throws Exception {
        try (TestBed bed = TestBed.start()) {
            bed.publish("account-1", 0, 3, 3);
            OutboxRelay relay = new OutboxRelay(bed.outbox, bed.transactions, bed.redis, new OutboxRelay.Settings(200, 1000,
                    Duration.ofMillis(20), Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(2)), bed.meters);
            assertEquals(3, relay.relayOnce());
            bed.publish("account-1", 3, 2, 2);

            assertEquals(3, relay.deletePublished());
            assertEquals(2, bed.count("SELECT count(*) FROM events_test.event_outbox WHERE published_at IS NULL"),
                    "rows still waiting for the stream are kept");
            assertEquals(0, bed.count("SELECT count(*) FROM events_test.event_outbox WHERE published_at IS NOT NULL"));
        }
    }

    @Test
    void anEventWithoutTypeOrSubjectIsRefusedAndNothingIsWritten() throws Exception {
        try (TestBed bed = TestBed.start()) {
            for (String[] bad : new String[][]{{null, "account-1"}, {TestBed.TYPE, " "}}) {
                IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> bed.transactions.inTransaction(
                        connection -> bed.outbox.append(connection, bad[0], bad[1], JsonNodeFactory.instance.objectNode(),
                                EventCodec.Trace.NONE)));
                assertEquals(bad[0] == null ? "an event needs a type" : "an event needs a subject", refused.getMessage());
            }
            assertEquals(0, bed.count("SELECT count(*) FROM events_test.event_outbox"));
        }
    }
}
