package dev.groundwork.events;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** 10,000 events on 4 subjects, two relays at once: each applied exactly once, in order per subject. */
class OrderingAndExactlyOnceTest {

    private static final List<String> SUBJECTS = List.of("account-1", "account-2", "account-3", "account-4");
    private static final int PER_SUBJECT = 2_500;

    @Test
    void everyEventAppliedOnceInOrderPerSubjectWithTwoRelays() throws Exception {
        try (TestBed bed = TestBed.start()) {
            bed.startRelay("relay-a", TestBed.fastRelay());
            bed.startRelay("relay-b", TestBed.fastRelay());
            bed.startConsumer("ledger", "ledger-1", TestBed.recordApplied(), TestBed.fastConsumer());

            // One writer per subject, all at once, so rows of different subjects interleave in the outbox.
            ExecutorService writers = Executors.newFixedThreadPool(SUBJECTS.size());
            List<Future<?>> writing = new ArrayList<>();
            for (String subject : SUBJECTS) {
                writing.add(writers.submit(() -> {
                    bed.publish(subject, 0, PER_SUBJECT, 50);
                    return null;
                }));
            }
            for (Future<?> done : writing) {
                done.get();
            }
            writers.shutdown();

            int total = SUBJECTS.size() * PER_SUBJECT;
            bed.awaitCount("SELECT count(*) FROM events_test.applied", total, Duration.ofMinutes(3));
            Thread.sleep(500); // let any late duplicate arrive, so the count below would see it

            assertEquals(total, bed.count("SELECT count(*) FROM events_test.applied"), "each event applied exactly once");
            assertEquals(total, bed.count("SELECT count(DISTINCT event_id) FROM events_test.applied"));
            assertEquals(0, bed.count("SELECT count(*) FROM events_test.event_outbox WHERE published_at IS NULL"));
            for (String subject : SUBJECTS) {
                assertEquals(inOrder(), appliedSequence(bed, subject), "events of " + subject + " applied in the order written");
            }
        }
    }

    private static List<Integer> inOrder() {
        List<Integer> seqs = new ArrayList<>();
        for (int i = 0; i < PER_SUBJECT; i++) {
            seqs.add(i);
        }
        return seqs;
    }

    private static List<Integer> appliedSequence(TestBed bed, String subject) throws Exception {
        List<Integer> seqs = new ArrayList<>();
        try (Connection connection = bed.dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT seq FROM events_test.applied WHERE subject = '" + subject + "' ORDER BY n")) {
            while (rows.next()) {
                seqs.add(rows.getInt(1));
            }
        }
        return seqs;
    }
}
