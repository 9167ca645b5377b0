package dev.groundwork.monitoring.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** monitoring-service settings ({@code monitoring.*}, env {@code MONITORING_*}). */
@ConfigMapping(prefix = "monitoring")
public interface MonitoringConfig {

    /** The URL SDKs reach the gateway at; DSNs are built from it. */
    @WithDefault("http://localhost:8080")
    URI publicBaseUrl();

    /** How long events (and issues seen no more) are kept before they are deleted. */
    @WithDefault("P90D")
    Duration retention();

    /** The organization slug of the Sentry-shaped API ({@code /api/0/projects/{org}/...}): there is one. */
    @WithDefault("groundwork")
    String organization();

    /** Projects declared here, by slug (the fleet's own: {@code groundwork}); created or updated at start. */
    Map<String, DeclaredProject> projects();

    Ingest ingest();

    Processing processing();

    /**
     * Alert rules by name (lower-case letters and digits, so that an env name can spell it): what fires them and the
     * webhook they post to (docs/monitoring-service.md, "Alerts").
     */
    Map<String, AlertRule> alerts();

    /** How alerts are evaluated and delivered, for every rule. */
    Alerting alerting();

    interface AlertRule {
        /** {@code new-issue}, {@code regression}, {@code spike} or {@code service-down}. */
        String trigger();

        /** The project slug whose issues the rule watches; unset: every project. Not for {@code service-down}. */
        Optional<String> project();

        /** Only events of this environment (issue rules); unset: any. */
        Optional<String> environment();

        /** The Slack-compatible incoming webhook (http or https): a secret, as Slack's are; never logged or shown whole. */
        Optional<String> webhookUrl();

        /** {@code spike}: the events of one issue that make a spike ... */
        Optional<Integer> spikeEvents();

        /** {@code spike}: ... within this many minutes (1 to 1440). */
        Optional<Integer> spikeMinutes();

        /** At most one alert of this rule per issue (or service) within this time. */
        @WithDefault("30M")
        Duration throttle();
    }

    interface Alerting {
        /** How often spike rules count events. */
        @WithDefault("30S")
        Duration spikeCheckEvery();

        /** The longest a webhook may take to accept a connection and answer. */
        @WithDefault("10S")
        Duration timeout();

        /** Attempts at a delivery before it is marked failed. */
        @WithDefault("8")
        int maxAttempts();

        /** The wait before the second attempt; it doubles for each next one (with jitter) up to max-backoff. */
        @WithDefault("10S")
        Duration backoff();

        /** The longest wait between two attempts. */
        @WithDefault("10M")
        Duration maxBackoff();

        /** Deliveries sent per pass of the dispatcher (one pass a second). */
        @WithDefault("20")
        int batchSize();
    }
    Fleet fleet();

    interface DeclaredProject {
        /** The project id in its DSN: 1-999 (ids from 1000 on are given to projects created through the API). */
        int id();

        /** Its DSN public keys (32 hex characters each), e.g. from a Secret; keys of the project not listed are revoked. */
        Optional<List<String>> dsnKeys();

        /** Error events accepted per minute; unset: {@code monitoring.ingest.events-per-minute}. */
        Optional<Integer> eventsPerMinute();
    }

    interface Ingest {
        /** Largest request body as sent (compressed), Sentry's limit. */
        @WithDefault("20M")
        MemorySize maxCompressedSize();

        /** Largest envelope once decompressed, Sentry's limit: decompression stops there. */
        @WithDefault("200M")
        MemorySize maxEnvelopeSize();

        /** Largest event, transaction or other JSON item, Sentry's limit. */
        @WithDefault("1M")
        MemorySize maxEventSize();

        /** Largest attachment kept. */
        @WithDefault("5M")
        MemorySize maxAttachmentSize();

        /** Largest sum of the items kept from one envelope (what goes into the inbox). */
        @WithDefault("20M")
        MemorySize maxKeptSize();

        /** Memory for kept items of envelopes being read or waiting for their commit, per replica; past it, 503. */
        @WithDefault("64M")
        MemorySize maxBuffered();

        /** Error events accepted per project and minute (a project's own setting wins); more are answered 429. */
        @WithDefault("6000")
        int eventsPerMinute();

        /** Envelopes accepted but not yet in the inbox at most (each waits for its commit); more are answered 503. */
        @WithDefault("2000")
        int maxPending();

        /** Envelopes written to the inbox in one transaction at most. */
        @WithDefault("256")
        int maxBatch();

        /** How long a request waits for the inbox write before it is answered 503. */
        @WithDefault("10S")
        Duration writeTimeout();

        /** How long a changed or revoked DSN key may still be seen as it was by other replicas. */
        @WithDefault("10S")
        Duration keyCacheTtl();
    }

    interface Processing {
        /** Inbox rows processed in one transaction at most. */
        @WithDefault("200")
        int batchSize();

        /** Attempts before a row is left for an operator (kept with its error). */
        @WithDefault("5")
        int maxAttempts();

        /** Events kept per project at most: the oldest go first. */
        @WithDefault("1000000")
        long maxEventsPerProject();

        /** How often retention runs. */
        @WithDefault("1H")
        Duration retentionEvery();
    }

    /** Fleet health: the readiness of every service of the fleet, polled by one replica at a time. */
    interface Fleet {
        /**
         * The services polled, as {@code name=url} separated by commas, e.g.
         * {@code auth-service=http://groundwork-auth-service:9000/q/health/ready}; unset or empty: fleet health is idle.
         */
        Optional<List<String>> services();

        /** How often every service's readiness is probed. */
        @WithDefault("10S")
        Duration interval();

        /** How long one probe may take (connect and answer) before it counts as failed. */
        @WithDefault("2S")
        Duration timeout();

        /** Consecutive failed probes that make a service down (one success makes it up): one dropped probe never flaps it. */
        @WithDefault("3")
        int failureThreshold();
    }
}
