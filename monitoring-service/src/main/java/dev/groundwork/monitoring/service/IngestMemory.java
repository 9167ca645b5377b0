package dev.groundwork.monitoring.service;

import dev.groundwork.monitoring.config.MonitoringConfig;
import dev.groundwork.monitoring.service.envelope.EnvelopeReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory a replica lends to envelopes being read and waiting for their commit ({@code monitoring.ingest.max-buffered}):
 * each request may keep up to 20 MiB of items, so many large ones at once would exhaust the heap; past the budget,
 * envelopes are answered 503 with {@code Retry-After} (SDKs try again later) instead.
 */
@ApplicationScoped
public class IngestMemory {

    @Inject
    MonitoringConfig config;
    @Inject
    MeterRegistry meters;

    private final AtomicLong used = new AtomicLong();

    void start(@Observes StartupEvent start) {
        meters.gauge("monitoring_ingest_buffered_bytes", used);
    }

    /** A request's share; what it reserved goes back with {@link Reservation#release()}. */
    public Reservation open() {
        return new Reservation();
    }

    public final class Reservation implements EnvelopeReader.Budget {

        private long held;

        @Override
        public void reserve(long bytes) {
            held += bytes;
            if (used.addAndGet(bytes) > config.ingest().maxBuffered().asLongValue()) {
                throw IngestError.unavailable(IngestError.OVERLOADED, 1);
            }
        }

        public void release() {
            used.addAndGet(-held);
            held = 0;
        }
    }
}
