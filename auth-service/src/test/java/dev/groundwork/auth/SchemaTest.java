package dev.groundwork.auth;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class SchemaTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void flywayCreatedTheServiceSchemaAtStart() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             ResultSet schema = connection.createStatement().executeQuery(
                     "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'identity'");
             ResultSet history = connection.createStatement().executeQuery(
                     "SELECT version, success FROM identity.flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
            schema.next();
            assertEquals(1, schema.getInt(1));
            assertTrue(history.next(), "Flyway recorded no migration in identity");
            assertEquals("1", history.getString("version"));
            assertTrue(history.getBoolean("success"));
        }
    }

    @Test
    void ownsNoSupabaseSchema() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             ResultSet tables = connection.createStatement().executeQuery(
                     "SELECT count(*) FROM information_schema.tables WHERE table_schema IN ('auth', 'storage')")) {
            tables.next();
            assertEquals(0, tables.getInt(1));
        }
    }
}
