package dev.groundwork.testsupport;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a service with a schema promises: Flyway created its own schema at start and recorded its migrations
 * there, and it put nothing into the schemas Supabase owns. A service's {@code SchemaTest} extends this under
 * {@code @QuarkusTest} and hands over its datasource.
 */
public abstract class OwnSchemaContract {

    private final String schema;

    protected OwnSchemaContract(String schema) {
        this.schema = schema;
    }

    /** A connection from the service's own datasource. */
    protected abstract Connection connection() throws SQLException;

    @Test
    void flywayCreatedTheServiceSchemaAtStart() throws SQLException {
        try (Connection connection = connection();
             ResultSet schemas = connection.createStatement().executeQuery(
                     "SELECT count(*) FROM information_schema.schemata WHERE schema_name = '" + schema + "'");
             ResultSet history = connection.createStatement().executeQuery(
                     "SELECT version, success FROM " + schema + ".flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
            schemas.next();
            assertEquals(1, schemas.getInt(1), "schema " + schema + " exists");
            assertTrue(history.next(), "Flyway recorded no migration in " + schema);
            assertEquals("1", history.getString("version"));
            assertTrue(history.getBoolean("success"));
        }
    }

    @Test
    void theEventTablesLiveInTheServiceSchema() throws SQLException {
        try (Connection connection = connection();
             ResultSet tables = connection.createStatement().executeQuery(
                     "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables"
                             + " WHERE table_schema = '" + schema + "' AND table_name LIKE 'event\\_%'")) {
            tables.next();
            assertEquals("event_outbox,event_processed", tables.getString(1), "libs/events migration applied in " + schema);
        }
    }

    @Test
    void ownsNothingInSupabaseSchemas() throws SQLException {
        try (Connection connection = connection();
             ResultSet tables = connection.createStatement().executeQuery(
                     "SELECT count(*) FROM information_schema.tables WHERE table_schema IN ('auth', 'storage', 'public')")) {
            tables.next();
            assertEquals(0, tables.getInt(1), "tables in auth, storage or public");
        }
    }
}
