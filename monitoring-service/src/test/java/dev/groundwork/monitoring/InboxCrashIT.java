package dev.groundwork.monitoring;

import dev.groundwork.infra.DatabaseUrl;
import dev.groundwork.testsupport.RealInfrastructure;
import dev.groundwork.testsupport.RedisServerProcess;
import dev.groundwork.testsupport.ServiceJar;
import dev.groundwork.testsupport.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static dev.groundwork.monitoring.Envelopes.errorEvent;
import static dev.groundwork.monitoring.Envelopes.event;
import static dev.groundwork.monitoring.Envelopes.newId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * "An accepted envelope is never lost, and processing is idempotent on the event id", against the packaged service
 * killed with SIGKILL (no shutdown hook, no drain of the inbox writer or processor) and started again: every event
 * whose envelope got a 200 is stored exactly once, its issue counts each event once, and envelopes sent again after the
 * restart (an SDK's retries) change nothing.
 */
class InboxCrashIT {

    private static final long PROJECT = 77;
    private static final String KEY = "7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e";
    private static final int CONCURRENCY = 32;
    /** Where ServiceJar writes the service's output. */
    private static final Path LOG = Path.of("target", "monitoring-service-for-test.log");

    private static DatabaseUrl database;
    private static RedisServerProcess redis;
    private static AuthStub auth;
    private static Map<String, String> oidc;

    @BeforeAll
    static void infrastructure() throws Exception {
        // CI's native job builds no JVM jar; this one runs wherever the jar is (./mvnw verify, the JVM CI job).
        assumeTrue(Files.exists(Path.of("target/quarkus-app/quarkus-run.jar")), "the JVM jar is not built (a native build)");
        database = RealInfrastructure.freshDatabase(TestServers.database().orElseThrow(), "monitoring-service-crash");
        redis = RedisServerProcess.start();
        auth = new AuthStub();
        oidc = auth.start();
    }

    @AfterAll
    static void stopInfrastructure() throws Exception {
        if (redis != null) {
            redis.close();
        }
        if (auth != null) {
            auth.stop();
        }
    }

    /**
     * Processing is held up (the test holds a lock on the events table) while 300 envelopes are accepted at once, so
     * that the kill comes after every 200 and before any of them is processed, with the first batch claimed and half
     * written.
     */
    @Test
    void acceptedEnvelopesSurviveACrashBeforeTheyAreProcessed() throws Exception {
        Map<String, String> env = env(Map.of());
        String type = "CrashBeforeProcessing";
        List<String> ids = ids(300);
        try (CrashableJar service = CrashableJar.start(env)) {
            try (Connection lock = connect()) {
                lock.setAutoCommit(false);
                try (Statement statement = lock.createStatement()) {
                    statement.execute("LOCK TABLE monitoring.events IN SHARE MODE");
                }
                long logStart = Files.exists(LOG) ? Files.size(LOG) : 0;
                Set<String> accepted = send(service, ids, type, null);
                assertEquals(new HashSet<>(ids), accepted, "every envelope is accepted while processing waits");
                assertEquals(300, count("SELECT count(*) FROM monitoring.inbox WHERE project_id = ?", PROJECT), "all of them in the inbox");
                await("processing waits for the lock, mid-batch").atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) "
                        + "FROM pg_locks WHERE NOT granted AND relation = 'monitoring.events'::regclass AND database = "
                        + "(SELECT oid FROM pg_database WHERE datname = current_database())") > 0);
                byte[] output = Files.readAllBytes(LOG);
                String log = new String(output, (int) logStart, output.length - (int) logStart, StandardCharsets.UTF_8);
                assertFalse(log.contains("Event quotas are not enforced"), "32 requests at once overflowed the Redis pool:\n" + log);
                service.kill();
                lock.rollback();
            }
            service.restart(env);
            awaitInboxEmpty();
            assertStoredOnce(type, new HashSet<>(ids), new HashSet<>(ids));

            // An SDK that did not see its 200 sends again: nothing changes.
            assertEquals(new HashSet<>(ids.subList(0, 50)), send(service, ids.subList(0, 50), type, null));
            awaitInboxEmpty();
            assertStoredOnce(type, new HashSet<>(ids), new HashSet<>(ids));
        }
    }

    /**
     * One inbox row per transaction (batch size 1) and a kill at a random moment while envelopes still arrive and are
     * processed: whatever got a 200 is stored once, whatever is stored was sent; sending everything again afterwards
     * stores each event once.
     */
    @Test
    void aKillInTheMiddleOfProcessingLosesAndDoublesNothing() throws Exception {
        Map<String, String> env = env(Map.of("MONITORING_PROCESSING_BATCH_SIZE", "1"));
        String type = "CrashWhileProcessing";
        List<String> ids = ids(600);
        long seed = System.nanoTime();
        int killAfter = 100 + new Random(seed).nextInt(400);
        try (CrashableJar service = CrashableJar.start(env)) {
            Set<String> accepted = send(service, ids, type, new KillAfter(killAfter, service));
            long waiting = count("SELECT count(*) FROM monitoring.inbox WHERE project_id = ?", PROJECT);
            long storedAtKill = count("SELECT count(*) FROM monitoring.events e JOIN monitoring.issues i ON i.id = e.issue_id "
                    + "WHERE i.project_id = ? AND i.title LIKE '" + type + ":%'", PROJECT);
            System.out.printf("InboxCrashIT: killed after %d accepted envelopes (seed %d): %d accepted in all, %d in the inbox and "
                    + "%d stored at the kill%n", killAfter, seed, accepted.size(), waiting, storedAtKill);
            assertTrue(accepted.size() >= killAfter, "accepted " + accepted.size());

            service.restart(env);
            awaitInboxEmpty();
            Set<String> stored = stored(type);
            assertTrue(ids.containsAll(stored), "only events that were sent are stored");
            assertStoredOnce(type, accepted, stored);

            // The SDKs send again what they saw no 200 for, and some of what they did: each event once.
            List<String> again = new ArrayList<>(ids.stream().filter(id -> !accepted.contains(id)).toList());
            again.addAll(ids.subList(0, 50));
            assertEquals(new HashSet<>(again), send(service, again, type, null));
            awaitInboxEmpty();
            assertStoredOnce(type, new HashSet<>(ids), new HashSet<>(ids));
        }
    }

    /**
     * Every accepted event is stored exactly once, and the issue counts what is stored, each event once: its
     * {@code times_seen} and its hourly counts. No row was set aside as failed.
     */
    private static void assertStoredOnce(String type, Set<String> accepted, Set<String> expectedStored) throws SQLException {
        Set<String> stored = stored(type);
        Set<String> lost = new HashSet<>(accepted);
        lost.removeAll(stored);
        assertTrue(lost.isEmpty(), lost.size() + " accepted events are not stored, e.g. " + lost.stream().limit(5).toList());
        assertTrue(stored.containsAll(expectedStored), "stored " + stored.size() + ", expected at least " + expectedStored.size());
        try (Connection connection = connect();
             PreparedStatement events = connection.prepareStatement("SELECT count(*), count(DISTINCT e.event_id) FROM monitoring.events e "
                     + "WHERE e.project_id = ? AND e.event_id = ANY (?)")) {
            events.setLong(1, PROJECT);
            events.setArray(2, uuids(connection, stored));
            try (ResultSet row = events.executeQuery()) {
                row.next();
                assertEquals(stored.size(), row.getLong(1), "each event once");
                assertEquals(stored.size(), row.getLong(2));
            }
        }
        assertEquals(1, count("SELECT count(*) FROM monitoring.issues WHERE project_id = ? AND title LIKE '" + type + ":%'", PROJECT),
                "one issue");
        assertEquals(stored.size(), count("SELECT times_seen FROM monitoring.issues WHERE project_id = ? AND title LIKE '" + type + ":%'",
                PROJECT), "times_seen counts each stored event once");
        assertEquals(stored.size(), count("SELECT coalesce(sum(c.events), 0) FROM monitoring.issue_counts c JOIN monitoring.issues i "
                + "ON i.id = c.issue_id WHERE i.project_id = ? AND i.title LIKE '" + type + ":%'", PROJECT), "the hourly counts too");
        assertEquals(0, count("SELECT count(*) FROM monitoring.inbox WHERE project_id = ? AND (failed OR attempts > 0)", PROJECT),
                "no row failed");
    }

    /** Kills the service once this many envelopes have been accepted. */
    private record KillAfter(int accepted, CrashableJar service) {
    }

    /**
     * Sends one envelope per id (an error of {@code type}, so that all are one issue), {@value #CONCURRENCY} at a
     * time; answers the ids that got a 200. With {@code kill}, the service is killed as soon as that many got theirs:
     * the requests then in flight or not yet sent fail.
     */
    private Set<String> send(CrashableJar service, List<String> ids, String type, KillAfter kill) throws Exception {
        // A client of its own each time: no connection kept alive to a process killed since.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        Semaphore slots = new Semaphore(CONCURRENCY);
        AtomicInteger ok = new AtomicInteger();
        CountDownLatch killed = new CountDownLatch(1);
        List<CompletableFuture<Void>> requests = new ArrayList<>();
        URI endpoint = service.jar.url().resolve("/api/" + PROJECT + "/envelope/");
        for (String id : ids) {
            if (kill != null && killed.getCount() == 0) {
                break;
            }
            slots.acquire();
            HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                    .header("X-Sentry-Auth", Envelopes.auth(KEY)).header("Content-Type", "application/x-sentry-envelope")
                    .POST(HttpRequest.BodyPublishers.ofString(event(id, errorEvent(type, "event " + id, "crash")))).build();
            requests.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
                slots.release();
                if (failure == null && response.statusCode() == 200) {
                    accepted.add(id);
                    if (kill != null && ok.incrementAndGet() == kill.accepted()) {
                        kill.service().kill();
                        killed.countDown();
                    }
                } else if (kill == null) {
                    throw new AssertionError("envelope " + id + " was not accepted: "
                            + (failure != null ? failure : response.statusCode() + " " + response.body()));
                }
                return null;
            }));
        }
        CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        if (kill != null) {
            assertTrue(killed.await(0, TimeUnit.SECONDS), "the service was never killed: " + ok.get() + " accepted");
        }
        return accepted;
    }

    /**
     * The packaged service, which can also be killed with SIGKILL, as the OOM killer or a lost node would: ServiceJar
     * only stops its process gracefully and does not hand it out, so the child process that appeared when it started
     * is the one to kill (a {@code @QuarkusIntegrationTest}'s jar may run beside it as another child).
     */
    private static final class CrashableJar implements AutoCloseable {

        private final ServiceJar jar;
        private ProcessHandle process;

        private CrashableJar(ServiceJar jar, ProcessHandle process) {
            this.jar = jar;
            this.process = process;
        }

        static CrashableJar start(Map<String, String> env) throws Exception {
            Set<ProcessHandle> before = children();
            ServiceJar jar = ServiceJar.start("monitoring-service", env, Duration.ofSeconds(120));
            return new CrashableJar(jar, startedSince(before));
        }

        void restart(Map<String, String> env) throws Exception {
            Set<ProcessHandle> before = children();
            jar.restart(env, Duration.ofSeconds(120));
            process = startedSince(before);
        }

        void kill() {
            process.destroyForcibly();
            process.onExit().join();
        }

        @Override
        public void close() {
            jar.close();
        }

        private static Set<ProcessHandle> children() {
            return ProcessHandle.current().children().filter(ProcessHandle::isAlive).collect(Collectors.toSet());
        }

        private static ProcessHandle startedSince(Set<ProcessHandle> before) {
            List<ProcessHandle> started = children().stream().filter(child -> !before.contains(child)).toList();
            assertEquals(1, started.size(), "the jar's process among this test's new child processes: " + started);
            return started.get(0);
        }
    }

    private static void awaitInboxEmpty() {
        await("the inbox of project 77 worked off").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> count("SELECT count(*) FROM monitoring.inbox WHERE project_id = ?", PROJECT) == 0);
    }

    private static Set<String> stored(String type) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement select = connection.prepareStatement("SELECT e.event_id FROM monitoring.events e JOIN monitoring.issues i "
                     + "ON i.id = e.issue_id WHERE i.project_id = ? AND i.title LIKE ?")) {
            select.setLong(1, PROJECT);
            select.setString(2, type + ":%");
            Set<String> ids = new HashSet<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1).replace("-", ""));
                }
            }
            return ids;
        }
    }

    private static Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("SUPABASE_DB_URL", database.jdbcUrl());
        database.username().ifPresent(u -> env.put("SUPABASE_DB_USER", u));
        database.password().ifPresent(p -> env.put("SUPABASE_DB_PASSWORD", p));
        env.put("REDIS_URL", redis.url().url());
        env.put("QUARKUS_OIDC_AUTH_SERVER_URL", oidc.get("quarkus.oidc.auth-server-url"));
        env.put("MONITORING_PROJECTS_CRASH_ID", Long.toString(PROJECT));
        env.put("MONITORING_PROJECTS_CRASH_DSN_KEYS", KEY);
        env.put("MONITORING_PROJECTS_CRASH_EVENTS_PER_MINUTE", "1000000");
        return env;
    }

    private static List<String> ids(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(newId());
        }
        return ids;
    }

    private static Connection connect() throws SQLException {
        Properties credentials = new Properties();
        database.username().ifPresent(u -> credentials.setProperty("user", u));
        database.password().ifPresent(p -> credentials.setProperty("password", p));
        return DriverManager.getConnection(database.jdbcUrl(), credentials);
    }

    private static Array uuids(Connection connection, Set<String> ids) throws SQLException {
        return connection.createArrayOf("uuid", ids.stream().map(id -> UUID.fromString(
                id.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"))).toArray());
    }

    private static long count(String sql, Object... parameters) throws SQLException {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
