package dev.groundwork.monitoring;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.groundwork.monitoring.AuthStub.ALPHA_KEY;
import static dev.groundwork.monitoring.ReleaseHealthTest.list;
import static dev.groundwork.monitoring.ReleaseHealthTest.number;
import static dev.groundwork.monitoring.ReleaseHealthTest.only;
import static dev.groundwork.monitoring.ReleaseHealthTest.percent;
import static dev.groundwork.monitoring.SentryNodeClientTest.CLIENT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Release health from the real {@code @sentry/node} SDK (src/test/js/sentry-node-sessions.mjs): each run of the script
 * is an application run whose session the SDK's default ProcessSession integration starts at init and ends at exit,
 * with the user set on the scope as its distinct id. Release A's runs end well; of release B's, one ends well, one
 * captures a handled error (the SDK sends the session twice: errored while running, then exited) and one crashes on an
 * uncaught error. The crash-free rates per release are then read through the API.
 */
@QuarkusTest
class SentryNodeSessionsTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void theNodeSdksSessionsBecomeCrashFreeRatesPerRelease() throws Exception {
        if (!Files.exists(CLIENT.resolve("node_modules/@sentry/node"))) {
            SentryNodeClientTest.Result install = SentryNodeClientTest.run(Map.of(), 300, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
            assertEquals(0, install.exit(), "npm ci failed:\n" + install.output());
        }
        String runId = IssuesApi.runId();
        String environment = "ci-" + runId;
        String healthy = "shop-" + runId + "@1.0.0";
        String crashing = "shop-" + runId + "@1.1.0";
        List<Process> runs = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        List<Integer> expectedExits = new ArrayList<>();
        for (String[] run : new String[][] {
                {healthy, "a-1", "exit", "0"}, {healthy, "a-2", "exit", "0"},
                {crashing, "b-1", "exit", "0"}, {crashing, "b-2", "error", "0"}, {crashing, "b-3", "crash", "1"}}) {
            Path output = Files.createTempFile("sentry-node-sessions", ".log");
            ProcessBuilder builder = new ProcessBuilder("node", "sentry-node-sessions.mjs").directory(CLIENT.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().putAll(Map.of("SENTRY_DSN", "http://" + ALPHA_KEY + "@" + base.getHost() + ":" + base.getPort() + "/11",
                    "RELEASE", run[0], "ENVIRONMENT", environment, "USER_ID", run[1], "OUTCOME", run[2]));
            runs.add(builder.start());
            outputs.add(output);
            expectedExits.add(Integer.parseInt(run[3]));
        }
        for (int i = 0; i < runs.size(); i++) {
            Process run = runs.get(i);
            if (!run.waitFor(120, TimeUnit.SECONDS)) {
                run.destroyForcibly();
            }
            assertEquals(expectedExits.get(i), run.isAlive() ? -1 : run.exitValue(),
                    "run " + i + ":\n" + Files.readString(outputs.get(i), StandardCharsets.UTF_8));
        }

        // The SDK sent each session's last update before its process ended; processing follows the commit.
        Envelopes.await("both releases' sessions counted", () -> {
            List<Map<String, Object>> releases = list(environment);
            return releases.size() == 2 && releases.stream().mapToLong(r -> number(r, "totalSessions")).sum() == 5
                    && releases.stream().mapToLong(r -> number(r, "sessionsCrashed")).sum() == 1
                    && releases.stream().mapToLong(r -> number(r, "sessionsErrored")).sum() == 1;
        });
        List<Map<String, Object>> releases = list(environment);
        Map<String, Object> a = only(releases, healthy);
        assertEquals(environment, a.get("environment"));
        assertEquals(2, number(a, "totalSessions"));
        assertEquals(0, number(a, "sessionsCrashed"));
        assertEquals(100.0, percent(a, "crashFreeSessions"), 0.001);
        assertEquals(2, number(a, "totalUsers"));
        assertEquals(100.0, percent(a, "crashFreeUsers"), 0.001);
        assertEquals(40.0, percent(a, "adoption"), 0.001);

        Map<String, Object> b = only(releases, crashing);
        assertEquals(3, number(b, "totalSessions"));
        assertEquals(1, number(b, "sessionsCrashed"));
        assertEquals(1, number(b, "sessionsErrored"), "the handled error's session, sent twice, is one errored session");
        assertEquals(100.0 * 2 / 3, percent(b, "crashFreeSessions"), 0.001);
        assertEquals(3, number(b, "totalUsers"));
        assertEquals(1, number(b, "usersCrashed"));
        assertEquals(100.0 * 2 / 3, percent(b, "crashFreeUsers"), 0.001);
        assertEquals(60.0, percent(b, "adoption"), 0.001);
        assertEquals(60.0, percent(b, "sessionsAdoption"), 0.001);
    }
}
