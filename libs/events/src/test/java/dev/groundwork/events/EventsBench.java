package dev.groundwork.events;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The end-to-end benchmark of bench/events.md (run by bench/events.sh, not by the test suite): events go through
 * the real outbox, relay, stream, consumer group and Postgres-recorded handler; latency is measured from the
 * commit of the publishing transaction to the end of the handler (its effect written, just before the effect's
 * transaction commits), in one JVM (one clock).
 *
 * <p>Two runs: saturation (writers publish one event per transaction as fast as they can) for throughput, and a
 * paced run at a fixed rate for latency without queueing.
 */
public final class EventsBench {

    private final Map<String, Long> committedAt = new ConcurrentHashMap<>();
    private final Map<String, Long> handledAt = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int writers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int pacedRate = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        new EventsBench().saturation(events, writers);
        new EventsBench().paced(pacedRate * 20, pacedRate);
        System.exit(0);
    }

    private void saturation(int events, int writers) throws Exception {
        try (TestBed bed = TestBed.start()) {
            OutboxRelay relay = start(bed, events);
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            long started = System.nanoTime();
            for (int w = 0; w < writers; w++) {
                String subject = "account-" + w;
                pool.submit(() -> {
                    for (int seq = 0; seq < events / writers; seq++) {
                        publishOne(bed, relay, subject, seq);
                    }
                    return null;
                });
            }
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.MINUTES);
            long published = System.nanoTime();
            awaitHandled(bed, events);
            report("saturation: " + events + " events, " + writers + " writers, 1 event per transaction", events, started,
                    published);
        }
    }

    private void paced(int events, int perSecond) throws Exception {
        try (TestBed bed = TestBed.start()) {
            OutboxRelay relay = start(bed, events);
            long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
            // Warm-up (JIT, connection pools): a first second's worth of events, not counted.
            for (int seq = 0; seq < perSecond; seq++) {
                publishOne(bed, relay, "warm-up", seq);
                LockSupport.parkNanos(interval);
            }
            awaitHandled(bed, perSecond);
            committedAt.clear();
            long started = System.nanoTime();
            for (int seq = 0; seq < events; seq++) {
                long due = started + seq * interval;
                // Parked, not spinning: a spinning publisher would take one of the two cores from the system under test.
                LockSupport.parkNanos(due - System.nanoTime());
                publishOne(bed, relay, "account-" + (seq % 4), seq);
            }
            long published = System.nanoTime();
            awaitHandled(bed, perSecond + events);
            report("paced: " + events + " events at " + perSecond + "/s", events, started, published);
        }
    }

    private OutboxRelay start(TestBed bed, int events) {
        OutboxRelay relay = bed.startRelay("relay", OutboxRelay.Settings.defaults());
        EventHandler record = TestBed.recordApplied();
        bed.startConsumer("bench", "bench-1", (event, scope) -> {
            record.handle(event, scope);
            handledAt.putIfAbsent(event.id(), System.nanoTime());
        }, StreamConsumer.Settings.defaults());
        return relay;
    }

    private void publishOne(TestBed bed, OutboxRelay relay, String subject, int seq) throws Exception {
        String id = bed.transactions.inTransaction(connection -> bed.outbox.append(connection, TestBed.TYPE, subject,
                JsonNodeFactory.instance.objectNode().put("seq", seq), EventCodec.Trace.NONE));
        committedAt.put(id, System.nanoTime());
        relay.wake(); // what Events.publish does after a commit in a Quarkus service
    }

    private void awaitHandled(TestBed bed, int events) throws Exception {
        bed.awaitCount("SELECT count(*) FROM events_test.applied", events, Duration.ofMinutes(10));
    }

    private void report(String run, int events, long started, long published) {
        List<Long> sorted = new ArrayList<>();
        long lastHandled = 0;
        for (Map.Entry<String, Long> committed : committedAt.entrySet()) {
            long handled = handledAt.get(committed.getKey());
            sorted.add(handled - committed.getValue());
            lastHandled = Math.max(lastHandled, handled);
        }
        Collections.sort(sorted);
        double seconds = (lastHandled - started) / 1e9;
        System.out.printf("%s%n  published in %.2f s (%.0f events/s into the outbox)%n  handled in %.2f s: %.0f events/s end to end%n"
                        + "  commit -> handler done: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d samples)%n",
                run, (published - started) / 1e9, events / ((published - started) / 1e9), seconds, events / seconds,
                percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.get(sorted.size() - 1) / 1e6, sorted.size());
    }

    private static double percentile(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }
}
