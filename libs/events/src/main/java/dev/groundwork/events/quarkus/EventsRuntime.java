package dev.groundwork.events.quarkus;

import dev.groundwork.events.EventsRedis;
import dev.groundwork.events.Outbox;
import dev.groundwork.events.OutboxRelay;
import dev.groundwork.events.ProcessedEvents;
import dev.groundwork.events.StreamConsumer;
import dev.groundwork.events.Transactions;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.narayana.jta.QuarkusTransactionException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Starts the outbox relay (when the service publishes) and the consumer (when it has subscriptions) on their own
 * threads at start, and stops them at shutdown. Neither is part of readiness: a service whose Redis is down
 * still takes requests, and its events wait in the outbox.
 */
@ApplicationScoped
public class EventsRuntime {

    @Inject
    EventsConfig config;
    @Inject
    Instance<AgroalDataSource> dataSource;
    @Inject
    @Any
    Instance<EventSubscription> subscriptions;
    @Inject
    MeterRegistry meters;
    @Inject
    Vertx vertx;
    @ConfigProperty(name = "quarkus.redis.hosts")
    Optional<List<String>> redisHosts;

    private final List<Thread> threads = new ArrayList<>();
    private Redis redis;
    private Outbox outbox;
    private OutboxRelay relay;
    private StreamConsumer consumer;

    void start(@Observes StartupEvent start) {
        List<EventSubscription> wanted = subscriptions.stream().toList();
        if (config.producer().isEmpty() && wanted.isEmpty()) {
            return;
        }
        String redisUrl = redisHosts.filter(hosts -> !hosts.isEmpty()).map(hosts -> hosts.get(0))
                .orElse("redis://127.0.0.1:6379");
        // One connection per blocking consumer read, one for replays, the rest for relay pipelines.
        redis = EventsRedis.client(vertx, redisUrl, 4);
        if (config.producer().isPresent()) {
            String schema = config.schema().orElseThrow(() -> new IllegalStateException(
                    "groundwork.events.producer is set but groundwork.events.schema is not: the outbox lives in the service's schema"));
            outbox = new Outbox(config.producer().get(), schema);
            relay = new OutboxRelay(outbox, Transactions.jdbc(dataSource.get()), redis, relaySettings(), meters);
            run("events-relay", relay);
            Log.infof("Publishing events from %s.event_outbox to %s", schema, outbox.stream());
        }
        if (!wanted.isEmpty()) {
            List<StreamConsumer.Subscription> subscribed = wanted.stream()
                    .map(s -> new StreamConsumer.Subscription(s.stream(), s.types(), s)).toList();
            consumer = new StreamConsumer(config.group(), consumerName(), subscribed, processedEvents(), redis,
                    consumerSettings(), meters);
            run("events-consumer", consumer);
            Log.infof("Consuming %s as group %s", subscribed.stream().map(StreamConsumer.Subscription::stream).distinct().toList(),
                    config.group());
        }
    }

    void stop(@Observes ShutdownEvent stop) {
        if (relay != null) {
            relay.stop();
        }
        if (consumer != null) {
            consumer.stop();
        }
        for (Thread thread : threads) {
            try {
                thread.join(config.consumer().block().plus(config.redisTimeout()).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    Optional<Outbox> outbox() {
        return Optional.ofNullable(outbox);
    }

    /** The service's consumer, for the dead-letter endpoint; empty when it consumes nothing. */
    public Optional<StreamConsumer> consumer() {
        return Optional.ofNullable(consumer);
    }

    void wakeRelay() {
        if (relay != null) {
            relay.wake();
        }
    }

    /** With a schema: in the effect's JTA transaction, so the handler's Hibernate work commits with the record. */
    private ProcessedEvents processedEvents() {
        if (config.schema().isEmpty()) {
            return ProcessedEvents.redis(config.consumer().processedRetention(), config.redisTimeout());
        }
        AgroalDataSource database = dataSource.get();
        Transactions jta = new Transactions() {
            @Override
            public <T> T inTransaction(Work<T> work) throws Exception {
                try {
                    return QuarkusTransaction.requiringNew().call(() -> {
                        try (Connection connection = database.getConnection()) {
                            return work.run(connection);
                        }
                    });
                } catch (QuarkusTransactionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        };
        return ProcessedEvents.postgres(jta, config.schema().get());
    }

    private OutboxRelay.Settings relaySettings() {
        EventsConfig.Relay relayConfig = config.relay();
        return new OutboxRelay.Settings(relayConfig.batchSize(), relayConfig.streamMaxLength(), relayConfig.pollInterval(),
                relayConfig.maxBackoff(), relayConfig.retention(), config.redisTimeout());
    }

    private StreamConsumer.Settings consumerSettings() {
        EventsConfig.Consumer consumerConfig = config.consumer();
        return new StreamConsumer.Settings(consumerConfig.maxDeliveries(), consumerConfig.claimIdle(), consumerConfig.block(),
                consumerConfig.batchSize(), consumerConfig.maxBackoff(), config.redisTimeout(),
                consumerConfig.deadLetterMaxLength(), consumerConfig.processedRetention(), consumerConfig.forgetAfter());
    }

    /** The pod name (HOSTNAME in Kubernetes) plus a random part, so a restarted pod is a new consumer. */
    private static String consumerName() {
        String host = Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank()).orElse("local");
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private void run(String name, Runnable loop) {
        Thread thread = new Thread(loop, name);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
    }
}
