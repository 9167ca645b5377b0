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
 * answers 503 in Upstash's format (and the entries API 503 problem+json) (the client's retries then find it again) and readiness drops; afterwards it serves
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
        AuthStub auth = new AuthStub();
        Map<String, String> oidc = auth.start();
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            Map<String, String> env = new HashMap<>();
            env.put("SUPABASE_DB_URL", database.jdbcUrl());
            database.username().ifPresent(u -> env.put("SUPABASE_DB_USER", u));
            database.password().ifPresent(p -> env.put("SUPABASE_DB_PASSWORD", p));
            env.put("REDIS_URL", redis.url().url());
            env.put("CACHE_NAMESPACES_OUTAGE_READ_WRITE_TOKENS", TOKEN);
            env.put("QUARKUS_OIDC_AUTH_SERVER_URL", oidc.get("quarkus.oidc.auth-server-url"));
            try (ServiceJar cache = ServiceJar.start("cache-service", env, Duration.ofSeconds(90))) {
                assertEquals(200, command(cache, "[\"SET\",\"k\",\"v\"]").statusCode());
                assertEquals(204, entry(cache, "PUT").statusCode());

                redis.stop();
                HttpResponse<String> down = command(cache, "[\"GET\",\"k\"]");
                assertEquals(503, down.statusCode(), down.body());
                assertTrue(down.body().startsWith("{\"error\":\"ERR Redis is unavailable"), down.body());
                assertEquals(503, ready(cache));
                HttpResponse<String> entryDown = entry(cache, "GET");
                assertEquals(503, entryDown.statusCode(), entryDown.body());
                assertEquals("application/problem+json", entryDown.headers().firstValue("Content-Type").orElse(""));
                assertTrue(entryDown.body().contains("Redis unavailable"), entryDown.body());

                redis.restart();
                long until = System.currentTimeMillis() + 30_000;
                int status;
                do {
                    Thread.sleep(200);
                    status = command(cache, "[\"SET\",\"k\",\"again\"]").statusCode();
                } while (status != 200 && System.currentTimeMillis() < until);
                assertEquals(200, status);
                assertEquals("{\"result\":\"again\"}", command(cache, "[\"GET\",\"k\"]").body());
                assertEquals(204, entry(cache, "PUT").statusCode());
                assertEquals(200, entry(cache, "GET").statusCode());
            }
        } finally {
            auth.stop();
        }
    }

    /** The entries API on the same namespace, as a service account with its scope. */
    private HttpResponse<String> entry(ServiceJar cache, String method) throws Exception {
        return http.send(HttpRequest.newBuilder(cache.url().resolve("/cache/v1/namespaces/outage/entries/page"))
                .header("Authorization", "Bearer " + AuthStub.serviceToken("cache:outage")).timeout(Duration.ofSeconds(20))
                .method(method, method.equals("PUT") ? HttpRequest.BodyPublishers.ofString("v") : HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
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
