package dev.groundwork.monitoring;

import dev.groundwork.testsupport.CapturedLog;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.groundwork.monitoring.AuthStub.JAVA_KEY;
import static dev.groundwork.monitoring.IssuesApi.issues;
import static dev.groundwork.monitoring.IssuesApi.latestEvent;
import static dev.groundwork.monitoring.IssuesApi.only;
import static dev.groundwork.monitoring.IssuesApi.total;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An unmodified sentry-java, as every service ships it (quarkus-logging-sentry 2.3.0, sentry-java 8.27.1), reports to
 * this app's own ingest: the app runs with its Sentry log handler on and a DSN of project {@code java} (id 14) at its
 * own port. What the test logs through JBoss Logging arrives (gzip-compressed, as sentry-java always sends) and is read
 * back through the API: the exception with its type and in-app frames, the printf-style message as one issue.
 */
@QuarkusTest
@TestProfile(SentryJavaLoggingTest.OwnIngest.class)
class SentryJavaLoggingTest {

    /** The app's Sentry handler on, with a DSN of project java at the app's own (fixed) test port. */
    public static class OwnIngest implements QuarkusTestProfile {

        static final int PORT = freePort();

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("quarkus.http.test-port", Integer.toString(PORT)),
                    Map.entry("quarkus.log.sentry.enabled", "true"),
                    Map.entry("quarkus.log.sentry.dsn", "http://" + JAVA_KEY + "@127.0.0.1:" + PORT + "/14"),
                    Map.entry("quarkus.log.sentry.level", "ERROR"),
                    Map.entry("quarkus.log.sentry.in-app-packages", "dev.groundwork"),
                    Map.entry("quarkus.log.sentry.environment", "test"),
                    Map.entry("quarkus.log.sentry.release", "groundwork-demo@1.0.0"),
                    // What reached the ingest, as the access log records it: the content encoding and the client.
                    Map.entry("quarkus.http.access-log.enabled", "true"),
                    Map.entry("quarkus.http.access-log.pattern", "%m %U %s %{i,Content-Encoding} %{i,User-Agent}"));
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void errorsLoggedThroughQuarkusLoggingSentryAreIssues() {
        Instant started = Instant.now().minusSeconds(1);
        String runId = IssuesApi.runId();
        Logger orders = Logger.getLogger("dev.groundwork.demo.Orders");
        try (CapturedLog log = CapturedLog.start()) {
            try {
                reserveStock(runId);
            } catch (IllegalStateException e) {
                orders.error("order failed", e);
            }
            orders.errorf("payment declined for order %d in %s", 1234, runId);
            orders.errorf("payment declined for order %d in %s", 5678, runId);

            Envelopes.await("sentry-java's 3 events stored", () -> total(issues("java", runId)) == 3);
            assertTrue(log.text().lines().anyMatch(line -> line.contains("POST /api/14/envelope/ 200 gzip sentry.java/")),
                    "sentry-java's gzip requests, as the access log saw them:\n" + log.text());
        }
        List<Map<String, Object>> issues = issues("java", runId);
        assertEquals(2, issues.size(), issues.toString());
        for (Map<String, Object> issue : issues) {
            assertTrue(Instant.parse((String) issue.get("firstSeen")).isAfter(started), "an issue of an earlier run: " + issue);
            assertEquals("java", ((Map<?, ?>) issue.get("project")).get("slug"));
            assertEquals("error", issue.get("level"));
            assertEquals("java", issue.get("platform"));
            assertEquals("groundwork-demo@1.0.0", ((Map<?, ?>) issue.get("firstRelease")).get("version"));
        }

        // The exception: its type and value, the frame that threw in-app and last, JUnit's frames not in-app.
        Map<String, Object> failed = only(issues, "IllegalStateException: no stock for order 1234 in " + runId);
        assertEquals("1", failed.get("count"));
        assertEquals("error", failed.get("type"));
        assertEquals(SentryJavaLoggingTest.class.getName() + " in reserveStock", failed.get("culprit"));
        JsonPath event = latestEvent(failed);
        assertEquals("sentry.java.jul", event.getString("sdk.name"));
        assertEquals("8.27.1", event.getString("sdk.version"));
        assertEquals("dev.groundwork.demo.Orders", event.getString("logger"));
        assertEquals("test", event.getString("environment"));
        assertEquals("order failed", event.getString("entries.find { it.type == 'message' }.data.formatted"));
        String exception = "entries.find { it.type == 'exception' }.data.values[0]";
        assertEquals("IllegalStateException", event.getString(exception + ".type"));
        assertEquals("java.lang", event.getString(exception + ".module"));
        List<Map<String, Object>> frames = event.getList(exception + ".stacktrace.frames");
        Map<String, Object> thrower = frames.get(frames.size() - 1);
        assertEquals(SentryJavaLoggingTest.class.getName(), thrower.get("module"), frames.toString());
        assertEquals("reserveStock", thrower.get("function"), frames.toString());
        assertEquals(Boolean.TRUE, thrower.get("inApp"), frames.toString());
        assertTrue(frames.stream().anyMatch(frame -> "errorsLoggedThroughQuarkusLoggingSentryAreIssues".equals(frame.get("function"))
                && Boolean.TRUE.equals(frame.get("inApp"))), frames.toString());
        Map<String, Object> junit = frames.stream().filter(frame -> String.valueOf(frame.get("module")).startsWith("org.junit."))
                .findFirst().orElseThrow(() -> new AssertionError("no JUnit frame: " + frames));
        assertFalse(Boolean.TRUE.equals(junit.get("inApp")), junit.toString());

        // The message without an exception, logged twice with other values: one issue. sentry-java attaches the logging
        // thread's stack, so it groups by that stack and the parameterised message, and its culprit is where it was logged.
        List<Map<String, Object>> declined = issues.stream().filter(i -> ((String) i.get("title")).startsWith("payment declined for order ")).toList();
        assertEquals(1, declined.size(), issues.toString());
        Map<String, Object> message = declined.get(0);
        assertEquals("2", message.get("count"));
        assertEquals("default", message.get("type"));
        assertEquals(SentryJavaLoggingTest.class.getName() + " in errorsLoggedThroughQuarkusLoggingSentryAreIssues", message.get("culprit"));
        assertTrue(((String) message.get("title")).matches("payment declined for order (1234|5678) in " + runId), message.toString());
        JsonPath logged = latestEvent(message);
        assertNull(logged.get("entries.find { it.type == 'exception' }"), "a message without an exception: " + logged.prettify());
        assertEquals("dev.groundwork.demo.Orders", logged.getString("logger"));
    }

    private static void reserveStock(String runId) {
        throw new IllegalStateException("no stock for order 1234 in " + runId);
    }
}
