package dev.groundwork.events;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.groundwork.infra.DatabaseUrl;
import dev.groundwork.testsupport.RealInfrastructure;
import dev.groundwork.testsupport.TestServers;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.awaitility.Awaitility.await;

/**
 * Real Postgres and Redis for the backbone tests, without a Quarkus application: the module's fresh database with
 * the library's own migration applied to schema {@value #SCHEMA}, an {@code applied} table that handlers write
 * their effect to, and relays and consumers on threads the bed stops at close.
 */
final class TestBed implements AutoCloseable {

    static final String SCHEMA = "events_test";
    static final String PRODUCER = "testing";
    static final String TYPE = "dev.groundwork.testing.counter.incremented.v1";

    final DatabaseUrl database;
    final AgroalDataSource dataSource;
    final Transactions transactions;
    final Vertx vertx = Vertx.vertx();
    final Redis redis;
    final String redisUrl;
    final MeterRegistry meters = new SimpleMeterRegistry();
    final Outbox outbox = new Outbox(PRODUCER, SCHEMA);
    private final List<Runnable> stops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    private TestBed(DatabaseUrl database, String redisUrl) throws Exception {
        this.database = database;
        this.dataSource = dataSource(database);
        this.transactions = Transactions.jdbc(dataSource);
        this.redisUrl = redisUrl;
        this.redis = EventsRedis.client(vertx, redisUrl, 8);
        migrate();
    }

    /** Apart from the module's Quarkus test, which keeps its application (and so its database) up meanwhile. */
    private static final String MODULE = RealInfrastructure.moduleName() + "-core";

    /** A database and Redis db of these tests, both emptied. */
    static TestBed start() throws Exception {
        String module = MODULE;
        DatabaseUrl database = RealInfrastructure.freshDatabase(TestServers.database().orElseThrow(), module);
        return new TestBed(database, RealInfrastructure.freshRedis(TestServers.redis().orElseThrow(), module).url());
    }

    /** A database of these tests, emptied, with a Redis of the test's own. */
    static TestBed start(String redisUrl) throws Exception {
        String module = MODULE;
        return new TestBed(RealInfrastructure.freshDatabase(TestServers.database().orElseThrow(), module), redisUrl);
    }

    static AgroalDataSource dataSource(DatabaseUrl database) throws SQLException {
        return AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool.maxSize(20).acquisitionTimeout(Duration.ofSeconds(30))
                        .connectionFactoryConfiguration(factory -> {
                            factory.jdbcUrl(database.jdbcUrl());
                            database.username().ifPresent(user -> factory.principal(new NamePrincipal(user)));
                            database.password().ifPresent(password -> factory.credential(new SimplePassword(password)));
                            return factory;
                        })));
    }

    /** The library's shipped migration, run the way Flyway runs it: in the service's schema as search_path. */
    private void migrate() throws Exception {
        String sql;
        try (InputStream in = getClass().getResourceAsStream("/db/events/V1_1__event_tables.sql")) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + SCHEMA);
            statement.execute("SET search_path TO " + SCHEMA);
            statement.execute(sql);
            statement.execute("CREATE TABLE applied (n bigserial PRIMARY KEY, subject text NOT NULL, seq int NOT NULL, event_id text NOT NULL)");
            statement.execute("SET search_path TO DEFAULT");
        }
    }

    /** Publishes {@code count} events of {@code subject} with data {@code {"seq": first…}}, one transaction per batch. */
    void publish(String subject, int first, int count, int perTransaction) throws Exception {
        for (int start = first; start < first + count; start += perTransaction) {
            int from = start;
            int to = Math.min(first + count, start + perTransaction);
            transactions.inTransaction(connection -> {
                for (int seq = from; seq < to; seq++) {
                    outbox.append(connection, TYPE, subject, JsonNodeFactory.instance.objectNode().put("seq", seq),
                            new EventCodec.Trace("req-" + subject + "-" + seq, null));
                }
                return null;
            });
        }
    }

    /** A handler whose effect is one row in {@code applied}, written on the transaction's connection. */
    static EventHandler recordApplied() {
        return (event, scope) -> {
            try (var insert = scope.connection().prepareStatement(
                    "INSERT INTO " + SCHEMA + ".applied (subject, seq, event_id) VALUES (?, ?, ?)")) {
                insert.setString(1, event.subject());
                insert.setInt(2, event.data().get("seq").asInt());
                insert.setString(3, event.id());
                insert.executeUpdate();
            }
        };
    }

    OutboxRelay startRelay(String name, OutboxRelay.Settings settings) {
        OutboxRelay relay = new OutboxRelay(outbox, transactions, redis, settings, meters);
        run(name, relay, relay::stop);
        return relay;
    }

    StreamConsumer consumer(String group, String name, EventHandler handler, StreamConsumer.Settings settings) {
        return new StreamConsumer(group, name, List.of(new StreamConsumer.Subscription(outbox.stream(), Set.of(TYPE), handler)),
                ProcessedEvents.postgres(transactions, SCHEMA), redis, settings, meters);
    }

    StreamConsumer startConsumer(String group, String name, EventHandler handler, StreamConsumer.Settings settings) {
        StreamConsumer consumer = consumer(group, name, handler, settings);
        run(name, consumer, consumer::stop);
        return consumer;
    }

    void run(String name, Runnable loop, Runnable stop) {
        Thread thread = new Thread(loop, name);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
        stops.add(stop);
    }

    long count(String sql) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    /** Polls {@code sql} (a count) until it reaches {@code expected}, failing when the timeout passes; returns that count. */
    long awaitCount(String sql, long expected, Duration timeout) {
        return await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> count(sql), counted -> counted >= expected);
    }

    static StreamConsumer.Settings fastConsumer() {
        return new StreamConsumer.Settings(3, Duration.ofMillis(500), Duration.ofMillis(200), 100,
                Duration.ofSeconds(1), Duration.ofSeconds(5), 10_000, Duration.ofDays(7), Duration.ofHours(1));
    }

    static OutboxRelay.Settings fastRelay() {
        return new OutboxRelay.Settings(200, 1_000_000, Duration.ofMillis(20), Duration.ofSeconds(1),
                Duration.ofHours(1), Duration.ofSeconds(2));
    }

    @Override
    public void close() throws Exception {
        stops.forEach(Runnable::run);
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        redis.close();
        vertx.closeAndAwait();
        dataSource.close();
    }
}
