package dev.groundwork.cache;

import dev.groundwork.infra.DatabaseUrl;
import dev.groundwork.testsupport.RealInfrastructure;
import dev.groundwork.testsupport.RedisServerProcess;
import dev.groundwork.testsupport.ServiceJar;
import dev.groundwork.testsupport.TestServers;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged service on a Redis of the test's own that goes away and comes back: while it is away the Upstash API
 * answers 503 in Upstash's format (the client's retries then find it again) and readiness drops; afterwards it serves
 * again without a restart.
 */
class RedisOutageIT {

    static final String TOKEN = "outage-rw-Token-000000000000001";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anOutageIsA503InUpstashFormatAndTheServiceRecovers() throws Exception {
        // CI's native job builds no JVM jar; this one runs wherever the jar is (./mvnw verify, the JVM CI job).
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(java.nio.file.Path.of("target/quarkus-app/quarkus-run.jar")),
                "the JVM jar is not built (a native build): the outage is tested on the JVM");
        DatabaseUrl database = RealInfrastructure.freshDatabase(TestServers.database().orElseThrow(), "cache-service-outage");
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            Map<String, String> env = new HashMap<>();
            env.put("SUPABASE_DB_URL", database.jdbcUrl());
            database.username().ifPresent(u -> env.put("SUPABASE_DB_USER", u));
            database.password().ifPresent(p -> env.put("SUPABASE_DB_PASSWORD", p));
            env.put("REDIS_URL", redis.url().url());
            env.put("CACHE_NAMESPACES_OUTAGE_READ_WRITE_TOKENS", TOKEN);
            try (ServiceJar cache = ServiceJar.start("cache-service", env, Duration.ofSeconds(90))) {
                assertEquals(200, command(cache, "[\"SET\",\"k\",\"v\"]").statusCode());

                redis.stop();
                HttpResponse<String> down = command(cache, "[\"GET\",\"k\"]");
                assertEquals(503, down.statusCode(), down.body());
                assertTrue(down.body().startsWith("{\"error\":\"ERR Redis is unavailable"), down.body());
                assertEquals(503, ready(cache));

                redis.restart();
                long until = System.currentTimeMillis() + 30_000;
                int status;
                do {
                    Thread.sleep(200);
                    status = command(cache, "[\"SET\",\"k\",\"again\"]").statusCode();
                } while (status != 200 && System.currentTimeMillis() < until);
                assertEquals(200, status);
                assertEquals("{\"result\":\"again\"}", command(cache, "[\"GET\",\"k\"]").body());
            }
        }
    }

    private HttpResponse<String> command(ServiceJar cache, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(cache.url().resolve("/cache/v1/redis"))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private int ready(ServiceJar cache) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(cache.managementUrl() + "/q/health/ready")).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
