package dev.groundwork.infra;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Maps the fleet's shared infrastructure env names (DESIGN.md) onto Quarkus' own properties:
 * {@code SUPABASE_DB_URL}/{@code SUPABASE_DB_USER}/{@code SUPABASE_DB_PASSWORD} onto
 * {@code quarkus.datasource.*} and {@code REDIS_URL} onto {@code quarkus.redis.hosts}.
 *
 * <p>Without them, every profile but {@code test} gets the local servers (Postgres on 5432, database
 * {@code groundwork}; Redis on 6379), so that a first run needs no configuration. In {@code test} it
 * sets nothing: the test-support library or Quarkus Dev Services decide there.
 */
public class InfrastructureConfigSourceFactory implements ConfigSourceFactory {

    /** Below env vars (300), so an explicit QUARKUS_DATASOURCE_* still wins; above application.properties (250). */
    static final int ORDINAL = 275;

    static final String LOCAL_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/groundwork";
    static final String LOCAL_REDIS_URL = "redis://127.0.0.1:6379";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        boolean test = context.getProfiles().contains("test");
        Map<String, String> properties = new HashMap<>();

        String databaseUrl = value(context, "SUPABASE_DB_URL", test ? null : LOCAL_DATABASE_URL);
        if (databaseUrl != null && hasPostgresDriver(getClass().getClassLoader())) {
            properties.putAll(datasourceProperties(DatabaseUrl.parse(databaseUrl,
                    value(context, "SUPABASE_DB_USER", null), value(context, "SUPABASE_DB_PASSWORD", null))));
        }
        String redisUrl = value(context, "REDIS_URL", test ? null : LOCAL_REDIS_URL);
        if (redisUrl != null) {
            properties.put("quarkus.redis.hosts", RedisUrl.parse(redisUrl).url());
        }
        return List.of(new MapBackedConfigSource("groundwork-infrastructure", properties, ORDINAL) {
        });
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    /** The Quarkus datasource properties for a parsed URL; also used by the test-support library. */
    public static Map<String, String> datasourceProperties(DatabaseUrl db) {
        Map<String, String> properties = new HashMap<>();
        properties.put("quarkus.datasource.db-kind", "postgresql");
        properties.put("quarkus.datasource.jdbc.url", db.jdbcUrl());
        db.username().ifPresent(u -> properties.put("quarkus.datasource.username", u));
        db.password().ifPresent(p -> properties.put("quarkus.datasource.password", p));
        return properties;
    }

    private static String value(ConfigSourceContext context, String name, String fallback) {
        ConfigValue value = context.getValue(name);
        return value == null || value.getValue() == null || value.getValue().isBlank() ? fallback : value.getValue();
    }

    /** Only the services that ship the Postgres driver (those with a schema) have a datasource to configure. */
    public static boolean hasPostgresDriver(ClassLoader classLoader) {
        try {
            Class.forName("org.postgresql.Driver", false, classLoader);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
