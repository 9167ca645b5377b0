package dev.groundwork.cache;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real {@code @upstash/redis} npm client (src/test/js, installed with {@code npm ci}, run with the machine's
 * Node) against this app: strings, JSON values, numbers, hashes, lists, sets, sorted sets, pipeline, multi, scan,
 * expiry, errors and refusals, unicode, the read-only token, a bad token.
 */
@QuarkusTest
class UpstashClientTest {

    static final Path CLIENT = Path.of("src", "test", "js");

    @TestHTTPResource("/cache/v1/redis")
    URL base;

    @Test
    void theOfficialClientWorksUnmodified() throws Exception {
        if (!Files.exists(CLIENT.resolve("node_modules/@upstash/redis"))) {
            Result install = run(Map.of(), 300, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
            assertEquals(0, install.exit(), "npm ci failed:\n" + install.output());
        }
        Result suite = run(Map.of("UPSTASH_REDIS_REST_URL", base.toString(),
                "UPSTASH_REDIS_REST_TOKEN", AuthStub.JS_RW,
                "UPSTASH_REDIS_REST_READONLY_TOKEN", AuthStub.JS_RO), 120, "node", "upstash-suite.mjs");
        assertEquals(0, suite.exit(), "the @upstash/redis suite failed:\n" + suite.output());
        assertTrue(suite.output().contains("all ok"), suite.output());
    }

    record Result(int exit, String output) {
    }

    static Result run(Map<String, String> env, int seconds, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of(command)).directory(CLIENT.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Path output = Files.createTempFile("upstash-client", ".log");
        builder.redirectOutput(output.toFile());
        Process process = builder.start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "timed out after " + seconds + " s\n" + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
