package dev.groundwork.auth;

import dev.groundwork.testsupport.OwnSchemaContract;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.SQLException;

@QuarkusTest
class SchemaTest extends OwnSchemaContract {

    @Inject
    AgroalDataSource dataSource;

    SchemaTest() {
        super("identity");
    }

    @Override
    protected Connection connection() throws SQLException {
        return dataSource.getConnection();
    }
}
