package dev.groundwork.events.quarkus;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Events between services (docs/events.md). Every duration and size has a production default. */
@ConfigMapping(prefix = "groundwork.events")
public interface EventsConfig {

    /** The stream this service publishes to, {@code events:<producer>} (e.g. {@code identity}); no relay without it. */
    Optional<String> producer();

    /**
     * The Postgres schema that holds the outbox and the processed-event records (the service's own schema). Without
     * it the service cannot publish, and its consumer records processed events in Redis.
     */
    Optional<String> schema();

    /** The consumer group of this service: one group per service, shared by its replicas. */
    @WithDefault("${quarkus.application.name}")
    String group();

    /** How long one Redis command of the events library may take. */
    @WithDefault("5S")
    Duration redisTimeout();

    Relay relay();

    Consumer consumer();

    interface Relay {
        /** Outbox rows per XADD pipeline and transaction. */
        @WithDefault("200")
        int batchSize();

        /** Approximate maximum length of the producer's stream (XADD MAXLEN ~); older entries are trimmed. */
        @WithDefault("100000")
        long streamMaxLength();

        /** How often an idle relay looks for rows (a commit in this replica wakes it at once). */
        @WithDefault("200MS")
        Duration pollInterval();

        /** The longest wait between attempts while Redis or Postgres is down. */
        @WithDefault("30S")
        Duration maxBackoff();

        /** How long published rows stay in the outbox (for inspection and re-relay) before they are deleted. */
        @WithDefault("1H")
        Duration retention();
    }

    interface Consumer {
        /** Deliveries after which an event whose handler still fails goes to {@code events:dead:<group>}. */
        @WithDefault("5")
        int maxDeliveries();

        /** How long an entry stays pending (a crashed replica, a failed handler) before it is delivered again. */
        @WithDefault("30S")
        Duration claimIdle();

        /** How long one blocking read waits for new entries. */
        @WithDefault("2S")
        Duration block();

        /** Entries per read. */
        @WithDefault("100")
        int batchSize();

        /** The longest wait between attempts while Redis or Postgres is down. */
        @WithDefault("30S")
        Duration maxBackoff();

        /** Approximate maximum length of the dead-letter stream. */
        @WithDefault("10000")
        long deadLetterMaxLength();

        /** How long the record of a processed event is kept (redeliveries come within minutes). */
        @WithDefault("7D")
        Duration processedRetention();

        /**
         * How long a consumer of the group may be idle, with no pending entries, before it is removed from the group.
         * Each process is a new consumer, so this removes those of stopped or crashed processes. One with pending
         * entries stays until another consumer has claimed them; a live one removed in a quiet hour is added again
         * by the next entry it reads.
         */
        @WithDefault("1H")
        Duration forgetAfter();
    }
}
