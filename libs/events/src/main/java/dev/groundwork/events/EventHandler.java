package dev.groundwork.events;

import io.vertx.mutiny.redis.client.Request;

import java.sql.Connection;

/** What a consumer does with one event. It may run more than once for the same event; its effect is applied once. */
@FunctionalInterface
public interface EventHandler {

    void handle(Event event, EffectScope scope) throws Exception;

    /**
     * Where the effect goes so that it commits together with the record that the event was processed. A Postgres
     * consumer writes on {@link #connection()} (with Quarkus, Hibernate and Panache join the same transaction
     * anyway); a consumer without a schema queues Redis commands that run in one MULTI/EXEC with the record.
     */
    interface EffectScope {
        /** The connection of the effect's transaction (Postgres consumers only). */
        Connection connection();

        /** Queues a Redis command of the effect (Redis consumers only). */
        void redis(Request command);
    }
}
