package dev.groundwork.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.groundwork.monitoring.AuthStub.ALPHA_KEY;
import static dev.groundwork.monitoring.IssuesApi.api;
import static dev.groundwork.monitoring.IssuesApi.issues;
import static dev.groundwork.monitoring.IssuesApi.latestEvent;
import static dev.groundwork.monitoring.IssuesApi.only;
import static dev.groundwork.monitoring.IssuesApi.total;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real {@code @sentry/node} SDK (src/test/js, installed with {@code npm ci}, run with the machine's Node) sends to
 * this app's ingest with a DSN of project {@code alpha}; what it sent is then read back through the Sentry-shaped read
 * API: the same error thrown twice from one place is one issue seen twice by one user, another error another issue,
 * two messages that differ by a number one issue, a fingerprint of the application's splits an issue off, and the
 * latest event carries the stack trace with in-app frames, the release and the environment.
 */
@QuarkusTest
class SentryNodeClientTest {

    static final Path CLIENT = Path.of("src", "test", "js");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    @Test
    void theOfficialNodeSdkIsReadBackThroughTheApi() throws Exception {
        if (!Files.exists(CLIENT.resolve("node_modules/@sentry/node"))) {
            Result install = run(Map.of(), 300, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
            assertEquals(0, install.exit(), "npm ci failed:\n" + install.output());
        }
        Instant started = Instant.now().minusSeconds(1);
        String runId = IssuesApi.runId();
        String dsn = "http://" + ALPHA_KEY + "@" + base.getHost() + ":" + base.getPort() + "/11";
        Result suite = run(Map.of("SENTRY_DSN", dsn, "RUN_ID", runId), 120, "node", "sentry-node-suite.mjs");
        assertEquals(0, suite.exit(), "the @sentry/node suite failed:\n" + suite.output());
        JsonNode sent = JSON.readTree(suite.output().lines().filter(line -> line.startsWith("events ")).findFirst()
                .orElseThrow(() -> new AssertionError("no event ids printed:\n" + suite.output())).substring("events ".length()));
        int captured = 0;
        for (JsonNode ids : sent) {
            captured += ids.size();
        }
        int expected = captured;
        assertEquals(7, expected, suite.output());

        Envelopes.await("the SDK's " + expected + " events stored", () -> total(issues("alpha", runId)) == expected);
        List<Map<String, Object>> issues = issues("alpha", runId);
        assertEquals(5, issues.size(), "issues of the run: " + issues);
        for (Map<String, Object> issue : issues) {
            assertTrue(Instant.parse((String) issue.get("firstSeen")).isAfter(started), "an issue of an earlier run: " + issue);
            assertEquals("alpha", ((Map<?, ?>) issue.get("project")).get("slug"));
            assertEquals("shop@2.0.0", ((Map<?, ?>) issue.get("firstRelease")).get("version"));
            assertEquals(1, ((Number) issue.get("userCount")).intValue(), "every event had user u-1: " + issue);
        }

        // The same error thrown twice from chargeCard: one issue, seen twice, by one user.
        Map<String, Object> declined = only(issues, "PaymentDeclinedError: card declined " + runId);
        assertEquals("2", declined.get("count"));
        assertEquals("error", declined.get("type"));
        assertEquals("error", declined.get("level"));
        assertEquals("node", declined.get("platform"));
        assertEquals(ids(sent, "declined"), eventIds(declined));
        JsonPath issue = api().get("/monitoring/api/0/issues/" + declined.get("id") + "/").then().statusCode(200).extract().jsonPath();
        assertEquals(2, issue.getInt("times_seen"));
        assertEquals(1, issue.getInt("userCount"));

        JsonPath latest = latestEvent(declined);
        assertTrue(ids(sent, "declined").contains(latest.getString("eventID")), latest.prettify());
        assertEquals("shop@2.0.0", latest.getString("release"));
        assertEquals("ci", latest.getString("environment"));
        assertEquals("u-1", latest.getString("user.id"));
        assertEquals("sentry.javascript.node", latest.getString("sdk.name"));
        assertEquals("PaymentDeclinedError", latest.getString("entries.find { it.type == 'exception' }.data.values[0].type"));
        assertEquals("card declined " + runId, latest.getString("entries.find { it.type == 'exception' }.data.values[0].value"));
        List<Map<String, Object>> frames = latest.getList("entries.find { it.type == 'exception' }.data.values[0].stacktrace.frames");
        assertNotNull(frames, latest.prettify());
        Map<String, Object> thrower = frames.get(frames.size() - 1);
        assertEquals("chargeCard", thrower.get("function"), "the frame that threw comes last: " + frames);
        assertEquals(Boolean.TRUE, thrower.get("inApp"), frames.toString());
        assertTrue(((String) thrower.get("filename")).endsWith("sentry-node-suite.mjs"), frames.toString());
        assertTrue(frames.stream().anyMatch(frame -> "attempt".equals(frame.get("function")) && Boolean.TRUE.equals(frame.get("inApp"))),
                frames.toString());
        assertTrue(frames.stream().anyMatch(frame -> Boolean.FALSE.equals(frame.get("inApp"))), "Node's own frames are not in-app: " + frames);
        assertEquals("chargeCard(sentry-node-suite)", declined.get("culprit"));

        // Another error: another issue.
        Map<String, Object> stock = only(issues, "RangeError: no stock for sku-1 " + runId);
        assertEquals("1", stock.get("count"));
        assertEquals(ids(sent, "stock"), eventIds(stock));

        // Two messages that differ by the order number: one issue, of type default, at the SDK's level for messages.
        List<Map<String, Object>> payment = issues.stream().filter(i -> ((String) i.get("title")).startsWith("payment failed for order ")).toList();
        assertEquals(1, payment.size(), issues.toString());
        assertEquals("2", payment.get(0).get("count"));
        assertEquals("default", payment.get(0).get("type"));
        assertEquals("info", payment.get(0).get("level"));
        assertEquals(ids(sent, "payment"), eventIds(payment.get(0)));
        JsonPath message = latestEvent(payment.get(0));
        assertTrue(message.getString("entries.find { it.type == 'message' }.data.formatted").matches("payment failed for order (1234|5678) " + runId),
                message.prettify());

        // checkQuota's error with and without the fingerprint ["{{ default }}", "tenant-a"]: two issues of one title.
        List<Map<String, Object>> quota = issues.stream().filter(i -> i.get("title").equals("Error: quota exceeded " + runId + " for tenant")).toList();
        assertEquals(2, quota.size(), issues.toString());
        Map<String, Object> plain = quota.stream().filter(i -> eventIds(i).equals(ids(sent, "quota"))).findFirst()
                .orElseThrow(() -> new AssertionError("no issue of the plain quota error: " + quota));
        Map<String, Object> tenantA = quota.stream().filter(i -> eventIds(i).equals(ids(sent, "quotaTenantA"))).findFirst()
                .orElseThrow(() -> new AssertionError("no issue of the fingerprinted quota error: " + quota));
        assertFalse(plain.get("id").equals(tenantA.get("id")));
        JsonPath fingerprinted = latestEvent(tenantA);
        assertEquals(List.of("{{ default }}", "tenant-a"), fingerprinted.getList("fingerprints"));
    }

    /** The ids of the issue's events, from its event list. */
    private static Set<String> eventIds(Map<String, Object> issue) {
        List<String> ids = api().get("/monitoring/api/0/issues/" + issue.get("id") + "/events/").then().statusCode(200).extract().jsonPath()
                .getList("eventID");
        return new HashSet<>(ids);
    }

    private static Set<String> ids(JsonNode sent, String capture) {
        Set<String> ids = new HashSet<>();
        sent.get(capture).forEach(id -> ids.add(id.asText()));
        return ids;
    }

    record Result(int exit, String output) {
    }

    static Result run(Map<String, String> env, int seconds, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(CLIENT.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Path output = Files.createTempFile("sentry-node-client", ".log");
        builder.redirectOutput(output.toFile());
        Process process = builder.start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "timed out after " + seconds + " s\n" + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
