package dev.groundwork.events;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A consumer process dies after its effect committed and before it acked: another consumer of the group takes
 * the entries over, and the event already applied is not applied again.
 */
class ConsumerCrashTest {

    private static final int CRASH_EXIT = 42;
    private static final String PASSWORD_ENV = "EVENTS_TEST_DB_PASSWORD";

    @Test
    void anEventCommittedButNotAckedIsRedeliveredAndNotAppliedTwice() throws Exception {
        try (TestBed bed = TestBed.start()) {
            bed.publish("account-1", 0, 3, 3);
            bed.startRelay("relay", TestBed.fastRelay());
            bed.awaitCount("SELECT count(*) FROM events_test.event_outbox WHERE published_at IS NOT NULL", 3, Duration.ofSeconds(10));

            Path log = Path.of("target", "crashing-consumer.log");
            ProcessBuilder consumerProcess = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), CrashingConsumer.class.getName(),
                    bed.database.jdbcUrl(), bed.database.username().orElse(""), bed.redisUrl)
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            bed.database.password().ifPresent(password -> consumerProcess.environment().put(PASSWORD_ENV, password));
            Process doomed = consumerProcess.start();
            assertTrue(doomed.waitFor(60, TimeUnit.SECONDS), "the consumer process ends");
            assertEquals(CRASH_EXIT, doomed.exitValue(), "it died right after its first commit, see " + log);

            assertEquals(1, bed.count("SELECT count(*) FROM events_test.applied"), "the first effect is committed");
            assertEquals(3, pending(bed), "nothing was acked: all three entries are pending on the dead consumer");

            bed.startConsumer("ledger", "survivor", TestBed.recordApplied(), TestBed.fastConsumer());
            bed.awaitCount("SELECT count(*) FROM events_test.applied", 3, Duration.ofSeconds(30));
            await("the survivor acks all three").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> pending(bed) == 0);
            assertEquals(3, bed.count("SELECT count(*) FROM events_test.applied"), "the first event was not applied twice");
            assertEquals(1.0, bed.meters.get("groundwork.events.handled").tag("outcome", "duplicate").counter().count());
        }
    }

    private static long pending(TestBed bed) {
        return bed.redis.send(RedisCalls.cmd(Command.XPENDING, bed.outbox.stream(), "ledger")).await().indefinitely()
                .get(0).toLong();
    }

    /** The consumer process: halts the JVM (no shutdown hooks, no ack) right after the first effect commits. */
    public static final class CrashingConsumer {
        public static void main(String[] args) throws Exception {
            var database = dev.groundwork.infra.DatabaseUrl.parse(args[0], args[1], System.getenv(PASSWORD_ENV));
            String redisUrl = args[2];
            DataSource dataSource = TestBed.dataSource(database);
            Transactions committed = Transactions.jdbc(dataSource);
            Transactions crashAfterCommit = new Transactions() {
                @Override
                public <T> T inTransaction(Work<T> work) throws Exception {
                    T result = committed.inTransaction(work);
                    Runtime.getRuntime().halt(CRASH_EXIT);
                    return result;
                }
            };
            Vertx vertx = Vertx.vertx();
            StreamConsumer consumer = new StreamConsumer("ledger", "doomed",
                    List.of(new StreamConsumer.Subscription("events:" + TestBed.PRODUCER, Set.of(TestBed.TYPE), TestBed.recordApplied())),
                    ProcessedEvents.postgres(crashAfterCommit, TestBed.SCHEMA), EventsRedis.client(vertx, redisUrl, 2),
                    TestBed.fastConsumer(), new SimpleMeterRegistry());
            consumer.run();
            System.exit(1); // not reached unless the consumer stopped without a delivery
        }
    }
}
