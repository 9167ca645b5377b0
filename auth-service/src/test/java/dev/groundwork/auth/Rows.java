package dev.groundwork.auth;

import io.agroal.api.AgroalDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** What the database holds, read behind the service's back: the first column of the first row, as text. */
final class Rows {

    /** How many users there are: what a refused sign-up must leave as it was. */
    static final String USERS = "SELECT count(*) FROM identity.users";

    private Rows() {
    }

    static String one(AgroalDataSource dataSource, String sql, String... parameters) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }
}
