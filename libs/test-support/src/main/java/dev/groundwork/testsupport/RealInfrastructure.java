package dev.groundwork.testsupport;

import dev.groundwork.infra.DatabaseUrl;
import dev.groundwork.infra.InfrastructureConfigSourceFactory;
import dev.groundwork.infra.RedisUrl;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

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
 * Gives a module's {@code @QuarkusTest}s real Postgres and Redis, isolated from other modules: on the servers
 * {@link TestServers} finds, the module gets its own fresh database {@code groundwork_test_<module>} and its own
 * emptied Redis logical database; when those are Quarkus Dev Services, it sets nothing. Register it once per
 * module with {@code @QuarkusTestResource(RealInfrastructure.class)} on one test class: it then applies to every
 * test of the module, so Quarkus starts once.
 */
public class RealInfrastructure implements QuarkusTestResourceLifecycleManager {

    /** Redis logical databases per module, so that modules never see each other's keys. 0 is left to ./groundwork up. */
    private static final List<String> REDIS_DATABASES = List.of("", "auth-service", "payment-service",
            "cache-service", "monitoring-service", "gateway", "e2e", "events", "entry-cache");

    @Override
    public Map<String, String> start() {
        String module = moduleName();
        if (TestServers.useDevServices()) {
            return Map.of();
        }
        if (!TestServers.available()) {
            throw new InfrastructureMissing(TestServers.missingMessage(module));
        }
        Map<String, String> config = new HashMap<>();
        if (TestServers.needsDatabase()) {
            config.putAll(InfrastructureConfigSourceFactory.datasourceProperties(
                    freshDatabase(TestServers.database().orElseThrow(), module)));
        }
        config.put("quarkus.redis.hosts", freshRedis(TestServers.redis().orElseThrow(), module).url());
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
        return index > 0 ? index : 8 + Math.floorMod(module.hashCode(), 8);
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
            throw new InfrastructureMissing("Postgres at %s:%d is not usable (%s). Start it, e.g.: %s"
                    .formatted(server.host(), server.port(), e.getMessage(),
                            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"));
        }
        return server.withDatabase(name);
    }

    /** The module's own logical database on {@code server}, emptied. */
    public static RedisUrl freshRedis(RedisUrl server, String module) {
        RedisUrl moduleRedis = server.withDatabase(redisDatabase(module));
        try (RedisConnection redis = RedisConnection.open(moduleRedis)) {
            redis.call("FLUSHDB");
        } catch (Exception e) {
            throw new InfrastructureMissing("Redis at %s:%d is not usable (%s). Start it, e.g.: %s"
                    .formatted(moduleRedis.host(), moduleRedis.port(), e.getMessage(),
                            "redis-server --daemonize yes --port " + moduleRedis.port()));
        }
        return moduleRedis;
    }

    /** A setup failure that is fully explained by its message: no stack trace to read through. */
    public static final class InfrastructureMissing extends RuntimeException {
        public InfrastructureMissing(String message) {
            super(message, null, false, false);
        }
    }
}
