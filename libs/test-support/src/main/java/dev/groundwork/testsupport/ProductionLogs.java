package dev.groundwork.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks on what a packaged service printed, as {@code @QuarkusIntegrationTest} captures it. */
public final class ProductionLogs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProductionLogs() {
    }

    /** Every line the jar printed is one JSON object with a level and a message, and it names the service. */
    public static void assertJsonLines(String service) throws IOException {
        Path log = Path.of("target", "quarkus.log");
        assertTrue(Files.exists(log), "no log captured at " + log.toAbsolutePath());
        List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
        assertFalse(lines.isEmpty(), "the packaged " + service + " printed nothing");
        boolean namesService = false;
        for (String line : lines) {
            JsonNode entry;
            try {
                entry = JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("not a JSON log line: " + line);
            }
            assertTrue(entry.has("level") && entry.has("message"), "JSON log line without level/message: " + line);
            namesService |= entry.path("message").asText().contains(service);
        }
        assertTrue(namesService, "no log line names " + service);
    }
}
