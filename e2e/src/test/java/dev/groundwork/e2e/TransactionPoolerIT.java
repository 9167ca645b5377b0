package dev.groundwork.e2e;

import dev.groundwork.infra.DatabaseUrl;
import dev.groundwork.testsupport.RealInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code SUPABASE_DB_URL} on Supabase's transaction pooler (port 6543) works: behind a real transaction pooler
 * (PgBouncer, {@link PgBouncerProcess}) server-side prepared statements break, and with the URL as a user pastes
 * it the fleet still migrates its schemas and becomes ready.
 */
class TransactionPoolerIT {

    static DatabaseUrl database;
    static PgBouncerProcess pooler;
    /** The URL as Supabase's Connect dialog shows it for the transaction pooler. */
    static String pooledUrl;

    @BeforeAll
    static void startPooler() throws Exception {
        database = RealInfrastructure.freshDatabase(Fleet.testServer(), "pooler");
        pooler = PgBouncerProcess.start(database);
        pooledUrl = "postgresql://" + database.username().map(u -> u + "@").orElse("") + "127.0.0.1:"
                + PgBouncerProcess.PORT + "/" + database.database();
    }

    @AfterAll
    static void stopPooler() throws Exception {
        if (pooler != null) {
            pooler.close();
        }
    }

    @Test
    void thePoolerReallyBreaksServerSidePreparedStatements() {
        String withPreparedStatements = DatabaseUrl.parse(pooledUrl + "?prepareThreshold=5", null, null).jdbcUrl();
        SQLException broken = assertThrows(SQLException.class, () -> runSharedPreparedStatements(withPreparedStatements));
        assertTrue(broken.getMessage().contains("prepared statement"), broken.getMessage());
    }

    @Test
    void theDerivedJdbcUrlWorksThroughThePooler() throws SQLException {
        String derived = DatabaseUrl.parse(pooledUrl, null, null).jdbcUrl();
        assertTrue(derived.endsWith("prepareThreshold=0"), derived);
        assertEquals(60, runSharedPreparedStatements(derived));
    }

    @Test
    void theFleetMigratesAndBecomesReadyThroughThePooler() throws Exception {
        try (Fleet fleet = Fleet.start(Fleet.testRedis(), pooledUrl)) {
            fleet.awaitReady(Duration.ofSeconds(120));
            for (int i = 0; i < 10; i++) {
                for (String service : Fleet.SERVICES) {
                    assertEquals(200, fleet.managementStatus(service, "/q/health/ready"), service + " ready through the pooler");
                }
            }
        }
        try (Connection direct = connect(database.jdbcUrl());
             ResultSet schemas = direct.createStatement().executeQuery("SELECT string_agg(schema_name, ',' ORDER BY schema_name) "
                     + "FROM information_schema.schemata WHERE schema_name IN ('identity', 'billing', 'monitoring')")) {
            schemas.next();
            assertEquals("billing,identity,monitoring", schemas.getString(1));
        }
    }

    /** Three sessions take turns running the same prepared statement 20 times each; returns how many ran. */
    private static int runSharedPreparedStatements(String jdbcUrl) throws SQLException {
        List<Connection> connections = new ArrayList<>();
        try {
            List<PreparedStatement> statements = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Connection connection = connect(jdbcUrl);
                connections.add(connection);
                statements.add(connection.prepareStatement("SELECT ?::int + 1"));
            }
            int executed = 0;
            for (int round = 0; round < 20; round++) {
                for (PreparedStatement statement : statements) {
                    statement.setInt(1, round);
                    try (ResultSet result = statement.executeQuery()) {
                        result.next();
                        assertEquals(round + 1, result.getInt(1));
                        executed++;
                    }
                }
            }
            return executed;
        } finally {
            for (Connection connection : connections) {
                connection.close();
            }
        }
    }

    private static Connection connect(String jdbcUrl) throws SQLException {
        Properties credentials = new Properties();
        database.username().ifPresent(u -> credentials.setProperty("user", u));
        database.password().ifPresent(p -> credentials.setProperty("password", p));
        return DriverManager.getConnection(jdbcUrl, credentials);
    }
}
