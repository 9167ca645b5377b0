package dev.groundwork.events;

import javax.sql.DataSource;
import java.sql.Connection;

/** Runs work in one database transaction: plain JDBC here; the Quarkus wiring joins JTA so Hibernate shares it. */
@FunctionalInterface
public interface Transactions {

    <T> T inTransaction(Work<T> work) throws Exception;

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws Exception;
    }

    /** Commit on success, roll back on any failure. */
    static Transactions jdbc(DataSource dataSource) {
        return new Transactions() {
            @Override
            public <T> T inTransaction(Work<T> work) throws Exception {
                try (Connection connection = dataSource.getConnection()) {
                    connection.setAutoCommit(false);
                    try {
                        T result = work.run(connection);
                        connection.commit();
                        return result;
                    } catch (Throwable e) {
                        connection.rollback();
                        throw e;
                    } finally {
                        connection.setAutoCommit(true);
                    }
                }
            }
        };
    }
}
