package dev.groundwork.monitoring.service.grouping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEX_32 = "[0-9a-f]{32}";

    /**
     * The fixture's hash under {@link Grouping#VERSION}. If this test fails, the algorithm changed: events that were
     * one issue may now open a new one. Bump VERSION, then update this value; never update it alone.
     */
    private static final String FIXTURE_HASH = "e55961f9dea85df712e1b2625e9a17ed";

    // --- the sentry-java fixture -------------------------------------------------------------------------------------

    @Test
    void aJavaExceptionGroupsByItsTypeAndInAppFrames() {
        Grouping.Result result = Grouping.group(javaEvent());

        assertEquals(Grouping.BY_STACKTRACE, result.method());
        assertEquals(List.of(
                "exception type: NullPointerException",
                "frame: demo.Main$Orders.place",
                "frame: demo.Main.run",
                "frame: demo.Main.main"), result.components());
        assertTrue(result.components().stream().noneMatch(c -> c.contains("_ClientProxy")), "a Quarkus client proxy is generated code");
        assertTrue(result.components().stream().noneMatch(c -> c.contains("io.quarkus")), "framework frames are not the application's");
    }

    @Test
    void theFixtureHashIsFixed() {
        // A fixed value catches an accidental change to the rules: see FIXTURE_HASH.
        assertEquals("groundwork:2026-12", Grouping.VERSION);
        assertEquals(FIXTURE_HASH, Grouping.group(javaEvent()).hash());
    }

    @Test
    void aJavaExceptionReadsAsSentryShowsIt() {
        Grouping.Result result = Grouping.group(javaEvent());

        assertEquals("error", result.type());
        assertEquals("NullPointerException: Cannot invoke \"String.length()\" because \"id\" is null", result.title());
        assertEquals("demo.Main$Orders in place", result.culprit());
        assertEquals(Map.of(
                "type", "NullPointerException",
                "value", "Cannot invoke \"String.length()\" because \"id\" is null",
                "filename", "Main.java",
                "function", "place"), result.metadata());
    }

    @Test
    void theHashIsHexAndTheSameEveryTime() {
        String hash = Grouping.group(javaEvent()).hash();
        assertTrue(hash.matches(HEX_32), hash);
        assertEquals(hash, Grouping.group(javaEvent()).hash());
    }

    @Test
    void anotherLineInTheSameFunctionsIsTheSameIssue() {
        ObjectNode moved = javaEvent();
        for (JsonNode frame : frames(moved)) {
            ((ObjectNode) frame).put("lineno", frame.path("lineno").asInt() + 12);
        }
        assertEquals(hash(javaEvent()), hash(moved));
    }

    @Test
    void anotherInAppFunctionIsAnotherIssue() {
        ObjectNode elsewhere = javaEvent();
        topFrame(elsewhere).put("function", "cancel");
        assertNotEquals(hash(javaEvent()), hash(elsewhere));
    }

    @Test
    void anotherExceptionTypeIsAnotherIssue() {
        ObjectNode other = javaEvent();
        thrown(other).put("type", "IllegalStateException");
        assertNotEquals(hash(javaEvent()), hash(other));
    }

    @Test
    void theExceptionMessageDoesNotSplitAnIssueWithAStack() {
        ObjectNode other = javaEvent();
        thrown(other).put("value", "Cannot invoke \"String.trim()\" because \"name\" is null");
        other.set("message", JsonNodeFactory.instance.objectNode().put("message", "something else entirely"));
        assertEquals(hash(javaEvent()), hash(other));
    }

    @Test
    void anUpgradedFrameworkIsTheSameIssue() {
        ObjectNode upgraded = javaEvent();
        ArrayNode frames = frames(upgraded);
        frames.insert(0, frame("org.jboss.threads.EnhancedQueueExecutor", "runWith", false));
        ((ObjectNode) frames.get(4)).put("function", "runAndWait").put("lineno", 301);
        assertEquals(hash(javaEvent()), hash(upgraded));
    }

    @Test
    void generatedFramesBetweenApplicationFramesDoNotCount() {
        ObjectNode proxied = javaEvent();
        ArrayNode frames = frames(proxied);
        frames.insert(frames.size() - 1, frame("demo.Main$Orders$$Lambda/0x00007f3c8c00a000", "accept", true));
        frames.insert(frames.size() - 1, frame("jdk.proxy2.$Proxy45", "place", true));
        frames.insert(frames.size() - 1, frame("demo.Main$Orders_Subclass", "place", true));
        frames.insert(frames.size() - 1, frame("demo.Main$Orders$$EnhancerBySpringCGLIB$$1a2b3c", "place", true));
        frames.insert(frames.size() - 1, frame("demo.Main$Orders$ByteBuddy$x7Yq2", "place", true));
        frames.insert(frames.size() - 1, frame("demo.OrderResource$quarkusrestinvoker$place_9f8e7d", "invoke", true));
        assertEquals(hash(javaEvent()), hash(proxied));
    }

    @Test
    void lambdaCountersDoNotSplitAnIssue() {
        ObjectNode first = javaEvent();
        topFrame(first).put("function", "lambda$place$0");
        ObjectNode renumbered = javaEvent();
        topFrame(renumbered).put("function", "lambda$place$1");

        assertEquals(hash(first), hash(renumbered));
        assertTrue(Grouping.group(first).components().contains("frame: demo.Main$Orders.lambda$place"));
    }

    @Test
    void recursionDepthDoesNotSplitAnIssue() {
        ObjectNode deeper = javaEvent();
        ArrayNode frames = frames(deeper);
        for (int i = 0; i < 20; i++) {
            frames.add(frames.get(frames.size() - 1).deepCopy());
        }
        assertEquals(hash(javaEvent()), hash(deeper));
    }

    @Test
    void withoutInAppFramesAllFramesCount() {
        ObjectNode library = javaEvent();
        for (JsonNode frame : frames(library)) {
            ((ObjectNode) frame).remove("in_app");
        }
        Grouping.Result result = Grouping.group(library);

        assertEquals(Grouping.BY_STACKTRACE, result.method());
        assertTrue(result.components().contains("frame: io.quarkus.runtime.Quarkus.run"));
        assertTrue(result.components().contains("frame: demo.Main$Orders.place"));
        assertTrue(result.components().stream().noneMatch(c -> c.contains("_ClientProxy")));
        assertEquals("demo.Main$Orders in place", result.culprit(), "the top frame, in app or not");
    }

    @Test
    void onlyTheMostRecentFramesCount() {
        ObjectNode deep = javaEvent();
        ArrayNode frames = frames(deep);
        for (int i = 0; i < 200; i++) {
            frames.insert(0, frame("demo.Deep" + i, "call", true));
        }
        assertEquals(1 + StackFrames.MAX_FRAMES, Grouping.group(deep).components().size());
    }

    // --- exceptions without frames, chains, threads -----------------------------------------------------------------

    @Test
    void anExceptionWithoutFramesGroupsByTypeAndParameterisedValue() {
        Grouping.Result first = Grouping.group(exceptionEvent("TimeoutException", "no reply from 10.0.0.5:5432 after 30000 ms"));
        Grouping.Result second = Grouping.group(exceptionEvent("TimeoutException", "no reply from 10.0.0.9:5432 after 30001 ms"));

        assertEquals(Grouping.BY_EXCEPTION, first.method());
        assertEquals(List.of("exception type: TimeoutException", "exception value: no reply from <ip>:<int> after <int> ms"),
                first.components());
        assertEquals(first.hash(), second.hash());
        assertNotEquals(first.hash(), hash(exceptionEvent("SocketException", "no reply from 10.0.0.5:5432 after 30000 ms")));
        assertNotEquals(first.hash(), hash(exceptionEvent("TimeoutException", "pool exhausted")));
    }

    @Test
    void aChainGroupsByEveryExceptionAndIsTitledByTheLastOne() {
        ObjectNode constraint = javaEvent();
        ArrayNode values = (ArrayNode) constraint.path("exception").path("values");
        ObjectNode cause = ((ObjectNode) values.get(0).deepCopy()).put("type", "ConstraintViolationException").put("value", "duplicate key");
        ((ObjectNode) values.get(0)).put("type", "PersistenceException").put("value", "could not execute statement");
        values.insert(0, cause);
        ObjectNode connection = constraint.deepCopy();
        ((ObjectNode) connection.path("exception").path("values").get(0)).put("type", "PSQLException");

        Grouping.Result result = Grouping.group(constraint);
        assertEquals("exception type: PersistenceException", result.components().get(0));
        assertTrue(result.components().contains("exception type: ConstraintViolationException"));
        assertEquals("PersistenceException: could not execute statement", result.title());
        assertNotEquals(result.hash(), hash(connection), "the same wrapper around another cause is another problem");
    }

    @Test
    void anExceptionWithoutAStackUsesItsThreadsStack() {
        ObjectNode event = javaEvent();
        JsonNode stacktrace = thrown(event).remove("stacktrace");
        ObjectNode thread = JsonNodeFactory.instance.objectNode().put("id", 1).put("name", "main").put("crashed", true);
        thread.set("stacktrace", stacktrace);
        ObjectNode threads = event.putObject("threads");
        threads.putArray("values").add(JsonNodeFactory.instance.objectNode().put("id", 7).put("name", "idle")).add(thread);

        Grouping.Result result = Grouping.group(event);
        assertEquals(hash(javaEvent()), result.hash());
        assertEquals("demo.Main$Orders in place", result.culprit());
    }

    // --- messages --------------------------------------------------------------------------------------------------

    @Test
    void messagesThatDifferOnlyByValuesAreOneIssue() {
        Grouping.Result byId = Grouping.group(messageEvent("payment declined for user 42"));

        assertEquals(Grouping.BY_MESSAGE, byId.method());
        assertEquals(List.of("message: payment declined for user <int>"), byId.components());
        assertEquals(byId.hash(), hash(messageEvent("payment declined for user 1337")));
        assertEquals(hash(messageEvent("payment declined for user 8c1e2f0a-7b3d-4e5f-9a6b-1c2d3e4f5a6b")),
                hash(messageEvent("payment declined for user 0b9e3c1d-2f4a-4b6c-8d0e-1f2a3b4c5d6e")));
        assertEquals(hash(messageEvent("payment declined for user jane@example.com")),
                hash(messageEvent("payment declined for user joe.bloggs@example.org")));
    }

    @Test
    void differentMessagesAreDifferentIssues() {
        assertNotEquals(hash(messageEvent("payment declined for user 42")), hash(messageEvent("refund failed for user 42")));
    }

    @Test
    void everyShapeOfTheMessageGroupsAlike() {
        String text = "cache miss storm on shard 3";
        ObjectNode string = JsonNodeFactory.instance.objectNode().put("message", text);
        ObjectNode logentry = JsonNodeFactory.instance.objectNode();
        logentry.putObject("logentry").put("formatted", text);

        assertEquals(hash(messageEvent(text)), hash(string));
        assertEquals(hash(messageEvent(text)), hash(logentry));
        assertEquals(text, Grouping.group(logentry).title());
    }

    @Test
    void aTemplateWithParametersGroupsAsSent() {
        ObjectNode first = JsonNodeFactory.instance.objectNode();
        first.putObject("logentry").put("message", "HTTP %s from %s").put("formatted", "HTTP 503 from billing")
                .putArray("params").add("503").add("billing");
        ObjectNode other = first.deepCopy();
        ((ObjectNode) other.path("logentry")).put("formatted", "HTTP 502 from ledger")
                .putArray("params").add("502").add("ledger");

        Grouping.Result result = Grouping.group(first);
        assertEquals(List.of("message: HTTP %s from %s"), result.components());
        assertEquals(result.hash(), hash(other));
        assertEquals("HTTP 503 from billing", result.title(), "the title is what the user read");
        assertEquals("default", result.type());
        assertEquals(Map.of("title", "HTTP 503 from billing"), result.metadata());
    }

    @Test
    void aMessageTitleIsItsFirstLineAndTheCulpritItsLogger() {
        ObjectNode event = messageEvent("import aborted\nline 1: bad header\nline 2: bad row");
        event.put("logger", "demo.Importer");
        Grouping.Result result = Grouping.group(event);

        assertEquals("import aborted", result.title());
        assertEquals("demo.Importer", result.culprit());
        assertEquals(List.of("message: import aborted\nline <int>: bad header"), result.components());
    }

    @Test
    void aMessageWithAStackGroupsByStackAndMessage() {
        ObjectNode event = messageEvent("cart total is negative");
        ObjectNode thread = event.putObject("threads").putArray("values").addObject().put("id", 1).put("current", true);
        thread.set("stacktrace", thrown(javaEvent()).path("stacktrace"));
        Grouping.Result result = Grouping.group(event);

        assertEquals(Grouping.BY_STACKTRACE, result.method());
        assertEquals("frame: demo.Main$Orders.place", result.components().get(0));
        assertEquals("message: cart total is negative", result.components().get(result.components().size() - 1));
        assertEquals("default", result.type());
        assertEquals("demo.Main$Orders in place", result.culprit());
    }

    @Test
    void nothingToGroupByFallsBackToLevelAndLogger() {
        ObjectNode event = JsonNodeFactory.instance.objectNode().put("level", "warning").put("logger", "demo.Jobs");
        Grouping.Result result = Grouping.group(event);

        assertEquals(Grouping.BY_FALLBACK, result.method());
        assertEquals(List.of("level: warning", "logger: demo.Jobs"), result.components());
        assertEquals("<unlabeled event>", result.title());
        assertEquals("default", result.type());
        assertEquals(List.of("level: error"), Grouping.group(JsonNodeFactory.instance.objectNode()).components());
    }

    // --- fingerprints ----------------------------------------------------------------------------------------------

    @Test
    void aCustomFingerprintIgnoresTheStack() {
        ObjectNode first = javaEvent();
        first.putArray("fingerprint").add("database-unavailable");
        ObjectNode other = exceptionEvent("SQLException", "Connection refused");
        other.putArray("fingerprint").add("database-unavailable");

        Grouping.Result result = Grouping.group(first);
        assertEquals(Grouping.BY_FINGERPRINT, result.method());
        assertEquals(List.of("fingerprint: database-unavailable"), result.components());
        assertEquals(result.hash(), hash(other));
        assertEquals("NullPointerException: Cannot invoke \"String.length()\" because \"id\" is null", result.title(),
                "a fingerprint groups, it does not rename");
    }

    @Test
    void theDefaultPlaceholderExtendsTheDefaultGrouping() {
        ObjectNode tenant = javaEvent();
        tenant.putArray("fingerprint").add("{{ default }}").add("tenant-a");
        ObjectNode tenantOnly = javaEvent();
        tenantOnly.putArray("fingerprint").add("tenant-a");
        ObjectNode otherTenant = javaEvent();
        otherTenant.putArray("fingerprint").add("{{default}}").add("tenant-b");

        Grouping.Result result = Grouping.group(tenant);
        assertEquals(Grouping.BY_FINGERPRINT, result.method());
        assertEquals("exception type: NullPointerException", result.components().get(0));
        assertEquals("fingerprint: tenant-a", result.components().get(result.components().size() - 1));
        assertNotEquals(hash(javaEvent()), result.hash());
        assertNotEquals(hash(tenantOnly), result.hash());
        assertNotEquals(hash(otherTenant), result.hash());
    }

    @Test
    void aFingerprintOfTheDefaultAloneIsTheDefault() {
        for (String placeholder : List.of("{{ default }}", "{{default}}")) {
            ObjectNode event = javaEvent();
            event.putArray("fingerprint").add(placeholder);
            assertEquals(Grouping.group(javaEvent()), Grouping.group(event), placeholder);
        }
        ObjectNode empty = javaEvent();
        empty.putArray("fingerprint");
        assertEquals(Grouping.group(javaEvent()), Grouping.group(empty));
    }

    @Test
    void fingerprintValuesThatAreNotStringsCountAsText() {
        ObjectNode numbers = javaEvent();
        numbers.putArray("fingerprint").add(42).add(true).addNull().add(JsonNodeFactory.instance.objectNode());
        ObjectNode strings = javaEvent();
        strings.putArray("fingerprint").add("42").add("true");

        assertEquals(List.of("fingerprint: 42", "fingerprint: true"), Grouping.group(numbers).components());
        assertEquals(hash(strings), hash(numbers));
    }

    // --- JavaScript ------------------------------------------------------------------------------------------------

    @Test
    void aNodeErrorGroupsByItsInAppFrames() {
        Grouping.Result result = Grouping.group(nodeEvent());

        assertEquals(Grouping.BY_STACKTRACE, result.method());
        assertEquals(List.of(
                "exception type: TypeError",
                "frame: services:orders.loadOrder",
                "frame: routes:orders.<anonymous>"), result.components());
        assertEquals("TypeError: Cannot read properties of undefined (reading 'customerId')", result.title());
        assertEquals("loadOrder(services:orders)", result.culprit());
        assertEquals("/srv/app/src/services/orders.js", result.metadata().get("filename"));
        assertEquals("loadOrder", result.metadata().get("function"));
    }

    @Test
    void aNodeErrorSurvivesAnExpressUpgradeAndMovedLines() {
        ObjectNode upgraded = nodeEvent();
        for (JsonNode frame : frames(upgraded)) {
            ObjectNode f = (ObjectNode) frame;
            f.put("lineno", f.path("lineno").asInt() + 3).put("colno", 1);
            if (!f.path("in_app").asBoolean()) {
                f.put("function", f.path("function").asText() + "Async");
            }
        }
        assertEquals(hash(nodeEvent()), hash(upgraded));
    }

    @Test
    void browserFramesGroupByFileNameWithoutQueryString() {
        ObjectNode release1 = browserEvent("https://shop.example.com/static/js/app.js?v=2026.11.1");
        ObjectNode release2 = browserEvent("https://cdn.example.net/assets/app.js?v=2026.12.0#main");
        Grouping.Result result = Grouping.group(release1);

        assertEquals(List.of("exception type: ReferenceError", "frame: app.js:submitOrder", "frame: app.js:<anonymous>"),
                result.components());
        assertEquals(result.hash(), hash(release2));
        assertEquals("submitOrder(https://shop.example.com/static/js/app.js?v=2026.11.1)", result.culprit());
    }

    // --- any input -------------------------------------------------------------------------------------------------

    @Test
    void anyJsonGivesAResult() {
        List<JsonNode> inputs = new ArrayList<>(List.of(
                MissingNode.getInstance(), NullNode.getInstance(), TextNode.valueOf("event"),
                JsonNodeFactory.instance.numberNode(42), JsonNodeFactory.instance.arrayNode().add(1),
                json("{}"),
                json("{\"exception\": \"boom\"}"),
                json("{\"exception\": {\"values\": {\"type\": \"Error\"}}}"),
                json("{\"exception\": {\"values\": [null, 1, \"x\", [], {}]}}"),
                json("{\"exception\": [{\"type\": 42, \"value\": [1], \"stacktrace\": {\"frames\": [1, 2, 3]}}]}"),
                json("{\"exception\": {\"values\": [{\"stacktrace\": {\"frames\": [null, {}, {\"function\": null, \"module\": {}}]}}]}}"),
                json("{\"exception\": {\"values\": [{\"type\": \"E\", \"mechanism\": \"x\", \"thread_id\": {}}]}, \"threads\": 5}"),
                json("{\"threads\": {\"values\": [{\"crashed\": \"yes\", \"stacktrace\": []}]}, \"stacktrace\": \"x\"}"),
                json("{\"message\": {\"message\": 42, \"params\": \"x\"}, \"logentry\": []}"),
                json("{\"message\": \"\", \"logentry\": {\"formatted\": \"  \"}, \"level\": {}, \"logger\": []}"),
                json("{\"fingerprint\": \"custom\", \"platform\": 7, \"transaction\": {}}"),
                json("{\"fingerprint\": [null, [], {}], \"exception\": {\"values\": [{\"value\": \"\\n\\n\"}]}}"),
                json("{\"fingerprint\": [\"{{ default }}\"], \"exception\": {\"values\": [{\"type\": \"\"}]}}")));
        inputs.add(manyFrames(10_000));
        inputs.add(deeplyNested(100_000));
        inputs.add(messageEvent("x".repeat(1_000_000) + " 42"));

        for (JsonNode input : inputs) {
            Grouping.Result result = Grouping.group(input);
            assertTrue(result.hash().matches(HEX_32), result.hash());
            assertNotNull(result.method());
            assertNotNull(result.title());
            assertNotNull(result.culprit());
            assertTrue(List.of("error", "default").contains(result.type()));
        }
        assertNotNull(Grouping.group(null).hash());
    }

    @Test
    void tenThousandFramesGroupByTheMostRecentOnes() {
        Grouping.Result result = Grouping.group(manyFrames(10_000));
        assertEquals(1 + StackFrames.MAX_FRAMES, result.components().size());
        assertEquals("frame: demo.Frame9999.call", result.components().get(1));
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    private static String hash(JsonNode event) {
        return Grouping.group(event).hash();
    }

    /** The event JSON of the captured sentry-java envelope: the line after the item header of type "event". */
    private static ObjectNode javaEvent() {
        List<String> lines = resource("sentry/sentry-java-8.27.1-envelope-capture.txt").lines().toList();
        for (int i = 0; i < lines.size() - 1; i++) {
            if (lines.get(i).startsWith("{") && "event".equals(json(lines.get(i)).path("type").asText())) {
                return (ObjectNode) json(lines.get(i + 1));
            }
        }
        throw new IllegalStateException("no event item in the capture");
    }

    private static ObjectNode nodeEvent() {
        return (ObjectNode) json(resource("sentry/sentry-node-event.json"));
    }

    private static ObjectNode browserEvent(String url) {
        ObjectNode event = (ObjectNode) json("{\"platform\": \"javascript\", \"exception\": {\"values\": [{\"type\": \"ReferenceError\","
                + " \"value\": \"cart is not defined\", \"stacktrace\": {\"frames\": []}}]}}");
        ArrayNode frames = frames(event);
        frames.addObject().put("filename", url).put("function", "<anonymous>").put("lineno", 1).put("colno", 1804).put("in_app", true);
        frames.addObject().put("filename", url).put("function", "submitOrder").put("lineno", 1).put("colno", 9321).put("in_app", true);
        return event;
    }

    private static ObjectNode messageEvent(String message) {
        ObjectNode event = JsonNodeFactory.instance.objectNode().put("level", "error");
        event.putObject("message").put("message", message);
        return event;
    }

    private static ObjectNode exceptionEvent(String type, String value) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.putObject("exception").putArray("values").addObject().put("type", type).put("value", value);
        return event;
    }

    private static ObjectNode manyFrames(int count) {
        ObjectNode event = exceptionEvent("StackOverflowError", null);
        ArrayNode frames = thrown(event).putObject("stacktrace").putArray("frames");
        for (int i = 0; i < count; i++) {
            frames.add(frame("demo.Frame" + i, "call", true));
        }
        return event;
    }

    /** Deeper than a JSON parser would accept; built by hand. */
    private static ObjectNode deeplyNested(int depth) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        ObjectNode inner = event.putObject("exception");
        for (int i = 0; i < depth; i++) {
            inner = inner.putObject("values");
        }
        event.putArray("fingerprint").add(event.path("exception"));
        event.putObject("message").set("message", event.path("exception"));
        return event;
    }

    private static ObjectNode frame(String module, String function, boolean inApp) {
        ObjectNode frame = JsonNodeFactory.instance.objectNode().put("function", function).put("module", module);
        return inApp ? frame.put("in_app", true) : frame;
    }

    private static ObjectNode thrown(JsonNode event) {
        ArrayNode values = (ArrayNode) event.path("exception").path("values");
        return (ObjectNode) values.get(values.size() - 1);
    }

    private static ArrayNode frames(JsonNode event) {
        return (ArrayNode) thrown(event).path("stacktrace").path("frames");
    }

    private static ObjectNode topFrame(JsonNode event) {
        ArrayNode frames = frames(event);
        return (ObjectNode) frames.get(frames.size() - 1);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = GroupingTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
