package dev.groundwork.infra;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Maps the fleet's shared infrastructure env names (DESIGN.md) onto Quarkus' own properties:
 * {@code SUPABASE_DB_URL}/{@code SUPABASE_DB_USER}/{@code SUPABASE_DB_PASSWORD} onto
 * {@code quarkus.datasource.*}, {@code REDIS_URL} onto {@code quarkus.redis.hosts}, and {@code SENTRY_DSN} (where the
 * service reports its own errors) onto {@code quarkus.log.sentry.dsn}, turning the reporting on. Without a DSN it stays
 * off, quietly: quarkus-logging-sentry fails the start when it is on without one. Where that extension is, the fleet's
 * shared settings for it come along too ({@link #SENTRY_DEFAULTS}, below the service's application.properties).
 *
 * <p>Without them, every profile but {@code test} gets the local servers (Postgres on 5432, database
 * {@code groundwork}; Redis on 6379), so that a first run needs no configuration. In {@code test} the
 * test-support library supplies the URLs when the tests start; this factory only decides whether Quarkus Dev
 * Services may start containers, because they decide at build time, before any test resource runs: only when
 * nothing is named and there is a Docker engine to ask. Tests never report errors: a {@code SENTRY_DSN} in the shell
 * (a developer's own app's) is not taken.
 */
public class InfrastructureConfigSourceFactory implements ConfigSourceFactory {

    /** Below env vars (300), so an explicit QUARKUS_DATASOURCE_* still wins; above application.properties (250). */
    static final int ORDINAL = 275;

    /** The fleet's shared quarkus-logging-sentry settings sit where microprofile-config.properties does, below application.properties. */
    static final int SENTRY_DEFAULTS_ORDINAL = 100;

    /**
     * What the fleet's own error reports hold (docs/monitoring-service.md, "The fleet's own errors"). Only where the
     * extension is: a Quarkus app without it (libs/events' test app) would warn about every key.
     * <ul>
     * <li>ERROR records (error logs, and the unhandled errors Quarkus logs at ERROR) become events; WARN records ride
     * along as breadcrumbs (INFO ones would carry other requests' paths and user ids); nothing below WARN reaches the
     * handler. Personal data is never added: sentry-java's sendDefaultPii stays false, and the extension turns off
     * sentry-java's own env and sentry.properties reading, so nothing else can turn it on.</li>
     * <li>Frames of our code are in-app: grouping and the first lines of a stack trace follow them.</li>
     * <li>The request id of the log line (MDC) becomes a tag, to find the event's log lines and the other way round.</li>
     * <li>The fleet is released as one: groundwork@&lt;version&gt; (the charts pass their image tag as SENTRY_RELEASE).</li>
     * <li>The extension logs the whole DSN, key included, at INFO when it starts: its logger is kept at WARN.</li>
     * </ul>
     */
    static final Map<String, String> SENTRY_DEFAULTS = Map.ofEntries(
            Map.entry("quarkus.log.sentry.level", "WARN"),
            Map.entry("quarkus.log.sentry.minimum-event-level", "ERROR"),
            Map.entry("quarkus.log.sentry.minimum-breadcrumb-level", "WARN"),
            Map.entry("quarkus.log.sentry.in-app-packages", "dev.groundwork"),
            Map.entry("quarkus.log.sentry.context-tags", "requestId"),
            Map.entry("quarkus.log.sentry.tags.service", "${quarkus.application.name}"),
            Map.entry("quarkus.log.sentry.environment", "${SENTRY_ENVIRONMENT:production}"),
            Map.entry("%dev.quarkus.log.sentry.environment", "${SENTRY_ENVIRONMENT:development}"),
            Map.entry("quarkus.log.sentry.release", "${SENTRY_RELEASE:groundwork@${quarkus.application.version}}"),
            Map.entry("quarkus.log.category.\"io.quarkus.logging.sentry\".level", "WARN"));

    static final String LOCAL_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/groundwork";
    static final String LOCAL_REDIS_URL = "redis://127.0.0.1:6379";

    /** Whether quarkus-logging-sentry is there: without it, SENTRY_DSN means nothing and its settings are unknown keys. */
    private final boolean sentry;

    public InfrastructureConfigSourceFactory() {
        this(hasSentryExtension(InfrastructureConfigSourceFactory.class.getClassLoader()));
    }

    InfrastructureConfigSourceFactory(boolean sentry) {
        this.sentry = sentry;
    }

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<ConfigSource> sources = new ArrayList<>();
        if (sentry) {
            sources.add(new MapBackedConfigSource("groundwork-sentry-defaults", SENTRY_DEFAULTS, SENTRY_DEFAULTS_ORDINAL) {
            });
        }
        boolean test = context.getProfiles().contains("test");
        Map<String, String> properties = new HashMap<>();
        if (test) {
            boolean named = value(context, "SUPABASE_DB_URL", null) != null || value(context, "REDIS_URL", null) != null;
            if (named || !dockerPresent()) {
                properties.put("quarkus.devservices.enabled", "false");
            }
            sources.add(source(properties));
            return sources;
        }

        if (hasPostgresDriver(getClass().getClassLoader())) {
            properties.putAll(datasourceProperties(DatabaseUrl.parse(value(context, "SUPABASE_DB_URL", LOCAL_DATABASE_URL),
                    value(context, "SUPABASE_DB_USER", null), value(context, "SUPABASE_DB_PASSWORD", null))));
        }
        properties.put("quarkus.redis.hosts", RedisUrl.parse(value(context, "REDIS_URL", LOCAL_REDIS_URL)).url());
        String sentryDsn = value(context, "SENTRY_DSN", null);
        if (sentry && sentryDsn != null) {
            properties.put("quarkus.log.sentry.enabled", "true");
            properties.put("quarkus.log.sentry.dsn", SentryDsn.parse(sentryDsn).dsn());
        }
        sources.add(source(properties));
        return sources;
    }

    private static ConfigSource source(Map<String, String> properties) {
        return new MapBackedConfigSource("groundwork-infrastructure", properties, ORDINAL) {
        };
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

    /**
     * Whether there is a Docker engine for Dev Services: DOCKER_HOST is set or the default socket exists. A file
     * check, not a process: config is built several times per start.
     */
    public static boolean dockerPresent() {
        String dockerHost = System.getenv("DOCKER_HOST");
        return (dockerHost != null && !dockerHost.isBlank()) || Files.exists(Path.of("/var/run/docker.sock"));
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

    /** Whether the service reports its own errors at all: quarkus-logging-sentry is there. */
    static boolean hasSentryExtension(ClassLoader classLoader) {
        try {
            Class.forName("io.quarkus.logging.sentry.SentryConfig", false, classLoader);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
