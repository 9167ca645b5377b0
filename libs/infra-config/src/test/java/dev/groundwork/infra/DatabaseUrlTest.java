package dev.groundwork.infra;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseUrlTest {

    @Test
    void supabaseDirectConnectionStringBecomesJdbcWithCredentials() {
        DatabaseUrl db = DatabaseUrl.parse(
                "postgresql://postgres:s3cr%40t@db.abcdefgh.supabase.co:5432/postgres?sslmode=require", null, null);
        assertEquals("jdbc:postgresql://db.abcdefgh.supabase.co:5432/postgres?sslmode=require", db.jdbcUrl());
        assertEquals(Optional.of("postgres"), db.username());
        assertEquals(Optional.of("s3cr@t"), db.password());
    }

    @Test
    void transactionPoolerTurnsServerSidePreparedStatementsOff() {
        DatabaseUrl db = DatabaseUrl.parse(
                "postgresql://postgres.abcdefgh:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres", null, null);
        assertEquals("jdbc:postgresql://aws-0-eu-central-1.pooler.supabase.com:6543/postgres?prepareThreshold=0",
                db.jdbcUrl());
        assertEquals(Optional.of("postgres.abcdefgh"), db.username());
    }

    @Test
    void poolerKeepsOtherParametersAndAnExplicitThreshold() {
        assertEquals("jdbc:postgresql://h:6543/db?sslmode=require&prepareThreshold=0",
                DatabaseUrl.parse("postgresql://h:6543/db?sslmode=require", null, null).jdbcUrl());
        assertEquals("jdbc:postgresql://h:6543/db?prepareThreshold=5",
                DatabaseUrl.parse("jdbc:postgresql://h:6543/db?prepareThreshold=5", null, null).jdbcUrl());
    }

    @Test
    void sessionPoolerAndDirectPortKeepPreparedStatements() {
        assertFalse(DatabaseUrl.parse("postgresql://h:5432/db", null, null).jdbcUrl().contains("prepareThreshold"));
    }

    @Test
    void jdbcUrlIsAcceptedAndSeparateCredentialsWin() {
        DatabaseUrl db = DatabaseUrl.parse("jdbc:postgresql://localhost:5433/app", "svc", "pw");
        assertEquals("jdbc:postgresql://localhost:5433/app", db.jdbcUrl());
        assertEquals(Optional.of("svc"), db.username());
        assertEquals(Optional.of("pw"), db.password());
        DatabaseUrl overridden = DatabaseUrl.parse("postgresql://a:b@h/db", "c", "d");
        assertEquals(Optional.of("c"), overridden.username());
        assertEquals(Optional.of("d"), overridden.password());
    }

    @Test
    void defaultsPortAndDatabase() {
        DatabaseUrl db = DatabaseUrl.parse("postgres://h", null, null);
        assertEquals("jdbc:postgresql://h:5432/postgres", db.jdbcUrl());
        assertEquals("jdbc:postgresql://h:5432/other", db.withDatabase("other").jdbcUrl());
    }

    @Test
    void badUrlsGetAClearMessageWithoutThePassword() {
        IllegalArgumentException wrongScheme = assertThrows(IllegalArgumentException.class,
                () -> DatabaseUrl.parse("mysql://root:hunter2@h/db", null, null));
        assertTrue(wrongScheme.getMessage().contains("postgresql://"), wrongScheme.getMessage());
        assertFalse(wrongScheme.getMessage().contains("hunter2"));

        IllegalArgumentException notAUrl = assertThrows(IllegalArgumentException.class,
                () -> DatabaseUrl.parse("postgresql://u:pa ss word@h/db", null, null));
        assertFalse(notAUrl.getMessage().contains("pa ss"));
        assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse(" ", null, null));
    }

    @Test
    void toStringNeverShowsThePassword() {
        assertFalse(DatabaseUrl.parse("postgresql://u:hunter2@h/db", null, null).toString().contains("hunter2"));
    }
}
