package dev.groundwork.testsupport;

import dev.groundwork.infra.DatabaseUrl;
import dev.groundwork.infra.InfrastructureConfigSourceFactory;
import dev.groundwork.infra.RedisUrl;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Gives a module's {@code @QuarkusTest}s real Postgres and Redis, isolated from other modules.
 *
 * <ul>
 *   <li>When the environment names servers ({@code SUPABASE_DB_URL}, {@code REDIS_URL}; {@code ./groundwork test}
 *   and {@code .ci/run} do), the module gets its own fresh database {@code groundwork_test_<module>} on that
 *   Postgres and its own emptied logical database on that Redis.</li>
 *   <li>When nothing is named and Docker is there, it sets nothing, and Quarkus Dev Services start containers.</li>
 *   <li>Otherwise it stops with one message saying what to start.</li>
 * </ul>
 * Register it once per module with {@code @QuarkusTestResource(RealInfrastructure.class)} on one test class: it
 * then applies to every test of the module, so Quarkus starts once.
 */
public class RealInfrastructure implements QuarkusTestResourceLifecycleManager {

    /** Redis logical databases per module, so that modules never see each other's keys. 0 is left to ./groundwork up. */
    private static final List<String> REDIS_DATABASES = List.of("", "auth-service", "payment-service",
            "cache-service", "monitoring-service", "gateway", "e2e");

    @Override
    public Map<String, String> start() {
        String module = moduleName();
        String databaseUrl = System.getenv("SUPABASE_DB_URL");
        String redisUrl = System.getenv("REDIS_URL");
        boolean needsDatabase = needsDatabase();
        if (!serversNamed()) {
            if (dockerAvailable()) {
                return Map.of(); // Quarkus Dev Services start Postgres and Redis containers
            }
            throw new InfrastructureMissing(missingMessage(module));
        }

        Map<String, String> config = new HashMap<>();
        if (needsDatabase) {
            DatabaseUrl server = DatabaseUrl.parse(databaseUrl, System.getenv("SUPABASE_DB_USER"),
                    System.getenv("SUPABASE_DB_PASSWORD"));
            config.putAll(InfrastructureConfigSourceFactory.datasourceProperties(freshDatabase(server, module)));
        }
        RedisUrl moduleRedis = RedisUrl.parse(redisUrl).withDatabase(redisDatabase(module));
        try (RedisConnection redis = RedisConnection.open(moduleRedis)) {
            redis.call("FLUSHDB");
        } catch (Exception e) {
            throw new InfrastructureMissing("Redis at %s:%d (from REDIS_URL) is not reachable (%s). Start it, e.g.: %s"
                    .formatted(moduleRedis.host(), moduleRedis.port(), e.getMessage(),
                            "redis-server --daemonize yes --port " + moduleRedis.port()));
        }
        config.put("quarkus.redis.hosts", moduleRedis.url());
        return config;
    }

    @Override
    public void stop() {
        // The module's database and Redis db are kept for inspection; the next run starts them afresh.
    }

    /** The name Maven gives the module under test (set by the parent pom's surefire/failsafe config). */
    public static String moduleName() {
        return System.getProperty("groundwork.test.module", Path.of("").toAbsolutePath().getFileName().toString());
    }

    /** The Redis logical database reserved for a module's tests. */
    public static int redisDatabase(String module) {
        int index = REDIS_DATABASES.indexOf(module);
        return index > 0 ? index : 7 + Math.floorMod(module.hashCode(), 8);
    }

    /** Drops and creates {@code groundwork_test_<module>} on the named server, so a run never sees the last one's rows. */
    public static DatabaseUrl freshDatabase(DatabaseUrl server, String module) {
        String name = "groundwork_test_" + module.replaceAll("[^A-Za-z0-9]", "_");
        Properties credentials = new Properties();
        server.username().ifPresent(u -> credentials.setProperty("user", u));
        server.password().ifPresent(p -> credentials.setProperty("password", p));
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), credentials);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new InfrastructureMissing("Postgres at %s:%d (from SUPABASE_DB_URL) is not usable (%s). Start it, e.g.: %s"
                    .formatted(server.host(), server.port(), e.getMessage(),
                            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"));
        }
        return server.withDatabase(name);
    }

    /** Whether the environment names the servers this module needs. */
    static boolean serversNamed() {
        return present(System.getenv("REDIS_URL")) && (!needsDatabase() || present(System.getenv("SUPABASE_DB_URL")));
    }

    static boolean needsDatabase() {
        return InfrastructureConfigSourceFactory.hasPostgresDriver(RealInfrastructure.class.getClassLoader());
    }

    static String missingMessage(String module) {
        return """
                No Postgres and Redis for the tests of %s.
                Run the tests through ./groundwork test (it finds or starts the local servers), or name the servers:
                  export SUPABASE_DB_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379
                or start a Docker engine so that Quarkus Dev Services can run them in containers.""".formatted(module);
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    /** A Docker engine that answers, not just a client on the PATH. */
    static boolean dockerAvailable() {
        if (!present(System.getenv("DOCKER_HOST")) && !Files.exists(Path.of("/var/run/docker.sock"))) {
            return false;
        }
        try {
            Process info = new ProcessBuilder("docker", "info").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return info.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && info.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A setup failure that is fully explained by its message: no stack trace to read through. */
    public static final class InfrastructureMissing extends RuntimeException {
        public InfrastructureMissing(String message) {
            super(message, null, false, false);
        }
    }
}
