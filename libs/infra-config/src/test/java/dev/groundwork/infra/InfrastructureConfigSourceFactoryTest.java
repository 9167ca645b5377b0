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

    private static SmallRyeConfig config(String profile, Map<String, String> env) {
        return new SmallRyeConfigBuilder().withProfile(profile)
                .withSources(new PropertiesConfigSource(env, "env", 300))
                .withSources(new InfrastructureConfigSourceFactory())
                .build();
    }
}
