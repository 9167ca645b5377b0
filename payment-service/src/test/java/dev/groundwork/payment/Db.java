package dev.groundwork.payment;

import io.agroal.api.AgroalDataSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/** Reads the service's tables directly, to check what was stored (or that nothing was). */
final class Db {

    private Db() {
    }

    static long count(AgroalDataSource dataSource, String sql) {
        String value = one(dataSource, sql);
        return value == null ? 0 : Long.parseLong(value);
    }

    static String one(AgroalDataSource dataSource, String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getString(1) : null;
        } catch (Exception e) {
            throw new IllegalStateException(sql, e);
        }
    }

    static void execute(AgroalDataSource dataSource, String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (Exception e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
