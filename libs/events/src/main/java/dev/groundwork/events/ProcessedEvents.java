package dev.groundwork.events;

import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Records which events a consumer group has applied, atomically with the effect, so a redelivered event changes
 * nothing the second time. Postgres services record in their own schema in the effect's transaction; services
 * without a schema record in Redis in the effect's MULTI/EXEC.
 */
public interface ProcessedEvents {

    /**
     * Runs {@code handler} unless the event was applied before; returns whether it ran now. A handler failure
     * rolls everything back and is thrown.
     */
    boolean runOnce(String group, Event event, EventHandler handler, RedisConnection redis) throws Exception;

    /** Forgets events applied longer ago than {@code retention} (a redelivery after that is not expected). */
    void purge(Duration retention) throws Exception;

    /** In {@code <schema>.event_processed}, in the same transaction as the effect. */
    static ProcessedEvents postgres(Transactions transactions, String schema) {
        String table = Outbox.qualified(schema, "event_processed");
        return new ProcessedEvents() {
            @Override
            public boolean runOnce(String group, Event event, EventHandler handler, RedisConnection redis) throws Exception {
                return transactions.inTransaction(connection -> {
                    // Insert first: a concurrent second delivery waits on this row's lock, then sees the conflict.
                    try (PreparedStatement record = connection.prepareStatement("INSERT INTO " + table
                            + " (consumer, source, event_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                        record.setString(1, group);
                        record.setString(2, event.source());
                        record.setString(3, event.id());
                        if (record.executeUpdate() == 0) {
                            return false;
                        }
                    }
                    handler.handle(event, new EventHandler.EffectScope() {
                        @Override
                        public Connection connection() {
                            return connection;
                        }

                        @Override
                        public void redis(Request command) {
                            throw new UnsupportedOperationException("this consumer records processed events in Postgres: write the effect there");
                        }
                    });
                    return true;
                });
            }

            @Override
            public void purge(Duration retention) throws Exception {
                transactions.inTransaction(connection -> {
                    try (PreparedStatement delete = connection.prepareStatement(
                            "DELETE FROM " + table + " WHERE processed_at < now() - ?::interval")) {
                        delete.setString(1, retention.toMillis() + " milliseconds");
                        return delete.executeUpdate();
                    }
                });
            }
        };
    }

    /**
     * In Redis, as key {@code events:processed:<group>:<source>:<id>} with a TTL, set in the same MULTI/EXEC as the
     * effect's commands; WATCH makes a concurrent second delivery's EXEC fail instead of applying twice.
     */
    static ProcessedEvents redis(Duration retention, Duration timeout) {
        return new ProcessedEvents() {
            @Override
            public boolean runOnce(String group, Event event, EventHandler handler, RedisConnection redis) throws Exception {
                String key = "events:processed:" + group + ":" + event.source() + ":" + event.id();
                redis.send(RedisCalls.cmd(Command.WATCH, key)).await().atMost(timeout);
                if (redis.send(RedisCalls.cmd(Command.EXISTS, key)).await().atMost(timeout).toInteger() == 1) {
                    redis.send(Request.cmd(Command.UNWATCH)).await().atMost(timeout);
                    return false;
                }
                List<Request> transaction = new ArrayList<>();
                transaction.add(Request.cmd(Command.MULTI));
                try {
                    handler.handle(event, new EventHandler.EffectScope() {
                        @Override
                        public Connection connection() {
                            throw new UnsupportedOperationException("this consumer records processed events in Redis: queue the effect with redis(…)");
                        }

                        @Override
                        public void redis(Request command) {
                            transaction.add(command);
                        }
                    });
                } catch (Exception e) {
                    redis.send(Request.cmd(Command.UNWATCH)).await().atMost(timeout);
                    throw e;
                }
                transaction.add(RedisCalls.cmd(Command.SET, key, "1", "EX", Math.max(1, retention.toSeconds())));
                transaction.add(Request.cmd(Command.EXEC));
                List<Response> replies = redis.batch(transaction).await().atMost(timeout);
                return replies.get(replies.size() - 1) != null;
            }

            @Override
            public void purge(Duration retention) {
                // The records expire by themselves.
            }
        };
    }
}
