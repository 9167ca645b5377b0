package dev.groundwork.events.quarkus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.groundwork.events.EventCodec;
import dev.groundwork.events.Outbox;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import org.jboss.logging.MDC;

import java.sql.Connection;
import java.sql.SQLException;

/** Publishes events through the service's outbox, in the caller's transaction. */
@ApplicationScoped
public class Events {

    private static final String WAKE_REGISTERED = Events.class.getName() + ".wake";

    @Inject
    EventsConfig config;
    @Inject
    Instance<AgroalDataSource> dataSource;
    @Inject
    ObjectMapper json;
    @Inject
    TransactionSynchronizationRegistry transactions;
    @Inject
    EventsRuntime runtime;

    /**
     * Appends an event to the outbox in the current transaction: it reaches {@code events:<producer>} after the
     * transaction commits, and never if it rolls back. Must be called inside the transaction of the change.
     *
     * @param type    {@code dev.groundwork.<producer>.<entity>.<verb>.v1}
     * @param subject the entity the event is about (e.g. the user id): events of one subject keep their order
     * @param data    a record or map, written as JSON
     * @return the event id
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public String publish(String type, String subject, Object data) {
        Outbox outbox = runtime.outbox().orElseThrow(() -> new IllegalStateException(
                "this service publishes no events: set groundwork.events.producer and groundwork.events.schema"));
        JsonNode payload = json.valueToTree(data);
        EventCodec.Trace trace = new EventCodec.Trace(mdc("requestId"), mdc("traceparent"));
        // An Agroal connection inside a JTA transaction is enlisted in it: closing it here does not commit.
        try (Connection connection = dataSource.get().getConnection()) {
            String id = outbox.append(connection, type, subject, payload, trace);
            wakeRelayAfterCommit();
            return id;
        } catch (SQLException e) {
            throw new IllegalStateException("could not write event " + type + " to the outbox", e);
        }
    }

    private void wakeRelayAfterCommit() {
        if (transactions.getResource(WAKE_REGISTERED) == null) {
            transactions.putResource(WAKE_REGISTERED, Boolean.TRUE);
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        runtime.wakeRelay();
                    }
                }
            });
        }
    }

    private static String mdc(String key) {
        Object value = MDC.get(key);
        return value == null ? null : value.toString();
    }
}
