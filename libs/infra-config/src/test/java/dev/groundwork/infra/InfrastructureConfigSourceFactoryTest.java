package dev.groundwork.infra;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InfrastructureConfigSourceFactoryTest {

    @Test
    void supabaseAndRedisEnvBecomeQuarkusSettings() {
        SmallRyeConfig config = config("prod", Map.of(
                "SUPABASE_DB_URL", "postgresql://postgres.ref:pw@aws-0-eu.pooler.supabase.com:6543/postgres",
                "SUPABASE_DB_PASSWORD", "from-secret",
                "REDIS_URL", "rediss://default:redispw@cache.example.com:6380"));
        assertEquals("jdbc:postgresql://aws-0-eu.pooler.supabase.com:6543/postgres?prepareThreshold=0",
                config.getValue("quarkus.datasource.jdbc.url", String.class));
        assertEquals("postgres.ref", config.getValue("quarkus.datasource.username", String.class));
        assertEquals("from-secret", config.getValue("quarkus.datasource.password", String.class));
        assertEquals("rediss://default:redispw@cache.example.com:6380", config.getValue("quarkus.redis.hosts", String.class));
    }

    @Test
    void withoutEnvTheLocalServersAreTheDefault() {
        SmallRyeConfig config = config("dev", Map.of());
        assertEquals("jdbc:postgresql://127.0.0.1:5432/groundwork", config.getValue("quarkus.datasource.jdbc.url", String.class));
        assertEquals("postgres", config.getValue("quarkus.datasource.username", String.class));
        assertEquals("redis://127.0.0.1:6379", config.getValue("quarkus.redis.hosts", String.class));
    }

    @Test
    void explicitQuarkusSettingsWin() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withProfile("prod")
                .withSources(new PropertiesConfigSource(Map.of("SUPABASE_DB_URL", "postgresql://h/db",
                        "quarkus.datasource.jdbc.url", "jdbc:postgresql://explicit/db"), "env", 300))
                .withSources(new InfrastructureConfigSourceFactory())
                .build();
        assertEquals("jdbc:postgresql://explicit/db", config.getValue("quarkus.datasource.jdbc.url", String.class));
    }

    @Test
    void inTestsNamedServersSwitchDevServicesOffAndSetNoUrl() {
        SmallRyeConfig config = config("test", Map.of("SUPABASE_DB_URL", "postgresql://h/db", "REDIS_URL", "redis://h"));
        assertEquals(Optional.of("false"), config.getOptionalValue("quarkus.devservices.enabled", String.class));
        assertTrue(config.getOptionalValue("quarkus.datasource.jdbc.url", String.class).isEmpty(),
                "the test-support library gives each module its own database");
    }

    @Test
    void aBadUrlStopsTheStartWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config("prod", Map.of("SUPABASE_DB_URL", "mysql://root:hunter2@h/db")));
        assertTrue(e.getMessage().startsWith("SUPABASE_DB_URL must start with postgresql://"), e.getMessage());
        assertTrue(!e.getMessage().contains("hunter2"));
    }

    @Test
    void aSentryDsnTurnsTheServicesOwnErrorReportingOnWithTheFleetsSettings() {
        SmallRyeConfig config = withSentry("prod", Map.of("SENTRY_DSN", "http://0123456789abcdef0123456789abcdef@127.0.0.1:8084/1",
                "quarkus.application.name", "cache-service", "quarkus.application.version", "1.2.3"));
        assertEquals(Optional.of("true"), config.getOptionalValue("quarkus.log.sentry.enabled", String.class));
        assertEquals("http://0123456789abcdef0123456789abcdef@127.0.0.1:8084/1", config.getValue("quarkus.log.sentry.dsn", String.class));
        assertEquals("ERROR", config.getValue("quarkus.log.sentry.minimum-event-level", String.class));
        assertEquals("WARN", config.getValue("quarkus.log.sentry.minimum-breadcrumb-level", String.class));
        assertEquals("dev.groundwork", config.getValue("quarkus.log.sentry.in-app-packages", String.class));
        assertEquals("cache-service", config.getValue("quarkus.log.sentry.tags.service", String.class));
        assertEquals("production", config.getValue("quarkus.log.sentry.environment", String.class));
        assertEquals("groundwork@1.2.3", config.getValue("quarkus.log.sentry.release", String.class));
        SmallRyeConfig deployed = withSentry("prod", Map.of("SENTRY_ENVIRONMENT", "staging", "SENTRY_RELEASE", "groundwork@v1.2.3"));
        assertEquals("staging", deployed.getValue("quarkus.log.sentry.environment", String.class));
        assertEquals("groundwork@v1.2.3", deployed.getValue("quarkus.log.sentry.release", String.class));
        assertEquals("development", withSentry("dev", Map.of()).getValue("quarkus.log.sentry.environment", String.class));
    }

    /** The fleet's settings sit below a service's application.properties (250), as microprofile-config.properties does. */
    @Test
    void aServicesOwnPropertiesWinOverTheFleetsSentrySettings() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withProfile("prod")
                .withSources(new PropertiesConfigSource(Map.of("quarkus.log.sentry.minimum-event-level", "FATAL"), "application.properties", 250))
                .withSources(new InfrastructureConfigSourceFactory(true))
                .build();
        assertEquals("FATAL", config.getValue("quarkus.log.sentry.minimum-event-level", String.class));
    }

    /** quarkus-logging-sentry refuses to start when it is on without a DSN: no DSN leaves it off, and says nothing. */
    @Test
    void withoutASentryDsnOrWithAnEmptyOneReportingStaysOff() {
        for (Map<String, String> env : java.util.List.of(Map.<String, String>of(), Map.of("SENTRY_DSN", ""), Map.of("SENTRY_DSN", "  "))) {
            SmallRyeConfig config = withSentry("prod", env);
            assertTrue(config.getOptionalValue("quarkus.log.sentry.enabled", String.class).isEmpty(), env.toString());
            assertTrue(config.getOptionalValue("quarkus.log.sentry.dsn", String.class).isEmpty(), env.toString());
        }
    }

    /** A developer's shell may hold their own app's SENTRY_DSN: the fleet's tests, which fail on purpose, never report. */
    @Test
    void testsNeverReport() {
        SmallRyeConfig config = withSentry("test", Map.of("SENTRY_DSN", "https://0123456789abcdef0123456789abcdef@sentry.example.com/4"));
        assertTrue(config.getOptionalValue("quarkus.log.sentry.enabled", String.class).isEmpty());
    }

    @Test
    void anExplicitQuarkusSettingStillTurnsReportingOff() {
        SmallRyeConfig config = withSentry("prod", Map.of("SENTRY_DSN", "https://0123456789abcdef0123456789abcdef@sentry.example.com/4",
                "quarkus.log.sentry.enabled", "false"));
        assertEquals(Optional.of("false"), config.getOptionalValue("quarkus.log.sentry.enabled", String.class));
    }

    @Test
    void aSentryDsnThatIsNoDsnStopsTheStartWithoutRepeatingTheKey() {
        for (String dsn : java.util.List.of("0123456789abcdef0123456789abcdef", "ftp://0123456789abcdef0123456789abcdef@h/1",
                "https://h.example.com/1", "https://0123456789abcdef0123456789abcdef@h.example.com/",
                "https://0123456789abcdef0123456789abcdef@h.example.com/project", "https://0123456789abcdef0123456789abcdef@/1",
                "https://0123456789abcdef0123456789abcdef@h.example.com/0")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> withSentry("prod", Map.of("SENTRY_DSN", dsn)), dsn);
            assertTrue(e.getMessage().startsWith("SENTRY_DSN must look like https://<public key>@<host>[:port]/<project id>"), e.getMessage());
            assertTrue(!e.getMessage().contains("0123456789abcdef"), e.getMessage());
        }
    }

    /** A Quarkus app without quarkus-logging-sentry (libs/events' test app) would warn about every one of its keys. */
    @Test
    void withoutTheExtensionNoneOfItsSettingsIsGiven() {
        assertTrue(!InfrastructureConfigSourceFactory.hasSentryExtension(getClass().getClassLoader()), "not on this module's classpath");
        SmallRyeConfig config = config("prod", Map.of("SENTRY_DSN", "https://0123456789abcdef0123456789abcdef@sentry.example.com/4"));
        for (String name : config.getPropertyNames()) {
            assertTrue(!name.contains("log.sentry") && !name.contains("logging.sentry"), name);
        }
    }

    @Test
    void aSentryDsnMayHaveAPathBeforeTheProjectAsSentryAllows() {
        SentryDsn dsn = SentryDsn.parse("https://key@errors.example.com/sentry/42");
        assertEquals("errors.example.com", dsn.host());
        assertEquals(42, dsn.projectId());
        assertTrue(!dsn.toString().contains("key@"), dsn.toString());
    }

    /** As in a service, which has quarkus-logging-sentry. */
    private static SmallRyeConfig withSentry(String profile, Map<String, String> env) {
        return new SmallRyeConfigBuilder().withProfile(profile)
                .withSources(new PropertiesConfigSource(env, "env", 300))
                .withSources(new InfrastructureConfigSourceFactory(true))
                .build();
    }

    private static SmallRyeConfig config(String profile, Map<String, String> env) {
        return new SmallRyeConfigBuilder().withProfile(profile)
                .withSources(new PropertiesConfigSource(env, "env", 300))
                .withSources(new InfrastructureConfigSourceFactory())
                .build();
    }
}
