package dev.groundwork.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Checks on what a packaged service printed, as {@code @QuarkusIntegrationTest} captures it. */
public final class ProductionLogs {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ALARMING = Set.of("WARN", "WARNING", "ERROR", "SEVERE", "FATAL");

    private ProductionLogs() {
    }

    /** Every line the jar printed is one JSON object with a level and a message, and it names the service. */
    public static void assertJsonLines(String service) throws IOException {
        boolean namesService = false;
        for (JsonNode entry : entries(service)) {
            namesService |= entry.path("message").asText().contains(service);
        }
        assertTrue(namesService, "no log line names " + service);
    }

    /**
     * A normal start logs nothing at WARN or above: from the first line to Quarkus' "Installed features" line, which
     * ends every start. On call, a warning at start must mean something is wrong.
     */
    /**
     * Like {@link #assertCleanStart(String)}, with the warnings of the loggers whose names start with one of
     * {@code expectedLoggers} let through: what the test's own setup makes true (for example quarkus-oidc saying that
     * auth-service, which the test does not start, cannot be reached yet).
     */
    public static void assertCleanStart(String service, String... expectedLoggers) throws IOException {
        assertCleanStart(service, List.of(expectedLoggers));
    }

    public static void assertCleanStart(String service) throws IOException {
        assertCleanStart(service, List.of());
    }

    private static void assertCleanStart(String service, List<String> expectedLoggers) throws IOException {
        List<String> alarming = new ArrayList<>();
        for (JsonNode entry : entries(service)) {
            String logger = entry.path("loggerName").asText();
            if (ALARMING.contains(entry.path("level").asText()) && expectedLoggers.stream().noneMatch(logger::startsWith)) {
                alarming.add(entry.path("level").asText() + " " + entry.path("loggerName").asText() + ": "
                        + entry.path("message").asText());
            }
            if ("io.quarkus".equals(entry.path("loggerName").asText())
                    && entry.path("message").asText().startsWith("Installed features")) {
                assertTrue(alarming.isEmpty(), "the packaged " + service + " started with warnings:\n"
                        + String.join("\n", alarming));
                return;
            }
        }
        fail("the packaged " + service + " never logged the end of its start (Installed features)");
    }

    private static List<JsonNode> entries(String service) throws IOException {
        Path log = Path.of("target", "quarkus.log");
        assertTrue(Files.exists(log), "no log captured at " + log.toAbsolutePath());
        List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
        assertFalse(lines.isEmpty(), "the packaged " + service + " printed nothing");
        List<JsonNode> entries = new ArrayList<>();
        for (String line : lines) {
            JsonNode entry;
            try {
                entry = JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("not a JSON log line: " + line);
            }
            assertTrue(entry.has("level") && entry.has("message"), "JSON log line without level/message: " + line);
            entries.add(entry);
        }
        return entries;
    }
}
