package dev.groundwork.cache.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.redis.client.Command;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-namespace numbers, as Micrometer meters tagged with the namespace (never a token) and as the admin API's
 * stats: commands by kind, read hits and misses, refusals, and keys and approximate bytes, counted by one SCAN of
 * {@code cache:*} every {@code cache.count-every} (bytes: MEMORY USAGE of a sample of each namespace's keys times
 * its key count).
 */
@ApplicationScoped
public class NamespaceStats {

    static final String NO_NAMESPACE = "-";
    private static final int SAMPLE = 20;

    @Inject
    MeterRegistry meters;
    @Inject
    Redis redis;

    private final Map<String, AtomicLong> keys = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> bytes = new ConcurrentHashMap<>();
    private volatile Instant countedAt;

    /** Counters by name, namespace and tag value, so that the hot path does not look them up in the registry. */
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public void command(String namespace, String kind) {
        counter("cache.commands", namespace, "kind", kind).increment();
    }

    public void read(String namespace, boolean hit) {
        counter("cache.reads", namespace, "outcome", hit ? "hit" : "miss").increment();
    }

    /** A refused request; {@code namespace} is null when no token was valid. */
    public void refused(String namespace, String reason) {
        counter("cache.refusals", namespace == null ? NO_NAMESPACE : namespace, "reason", reason).increment();
    }

    private Counter counter(String name, String namespace, String tag, String value) {
        return counters.computeIfAbsent(name + '\u0000' + namespace + '\u0000' + value,
                k -> meters.counter(name, "namespace", namespace, tag, value));
    }

    /** The namespace's key count at the last count (0 before the first). */
    public long keys(String namespace) {
        AtomicLong count = keys.get(namespace);
        return count == null ? 0 : count.get();
    }

    /** The stats endpoint's document for one namespace (this replica's counters; keys and bytes are the Redis'). */
    public Map<String, Object> of(String namespace) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("namespace", namespace);
        Map<String, Long> commands = new LinkedHashMap<>();
        for (String kind : List.of("read", "write", "other")) {
            commands.put(kind, count("cache.commands", namespace, "kind", kind));
        }
        out.put("commands", commands);
        out.put("hits", count("cache.reads", namespace, "outcome", "hit"));
        out.put("misses", count("cache.reads", namespace, "outcome", "miss"));
        Map<String, Long> refusals = new LinkedHashMap<>();
        meters.find("cache.refusals").tag("namespace", namespace).counters()
                .forEach(c -> refusals.put(c.getId().getTag("reason"), (long) c.count()));
        out.put("refusals", refusals);
        out.put("keys", keys(namespace));
        AtomicLong approx = bytes.get(namespace);
        out.put("approximateBytes", approx == null ? 0 : approx.get());
        out.put("countedAt", countedAt);
        return out;
    }

    private long count(String name, String namespace, String tag, String value) {
        Counter counter = meters.find(name).tag("namespace", namespace).tag(tag, value).counter();
        return counter == null ? 0 : (long) counter.count();
    }

    @Scheduled(every = "${cache.count-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledCount() {
        try {
            count();
        } catch (RuntimeException e) {
            Log.warnf("Counting the namespaces' keys failed (the last counts stay): %s", e.toString());
        }
    }

    /** One walk over {@code cache:*}: keys per namespace, and bytes from a sample. */
    public synchronized void count() {
        Map<String, Long> counted = new HashMap<>();
        Map<String, List<byte[]>> samples = new HashMap<>();
        String cursor = "0";
        do {
            Response page = redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg("cache:*").arg("COUNT").arg(1000))
                    .await().atMost(Duration.ofSeconds(10));
            cursor = page.get(0).toString();
            for (Response key : page.get(1)) {
                byte[] raw = key.toBytes();
                String name = namespaceOf(raw);
                if (name != null) {
                    counted.merge(name, 1L, Long::sum);
                    List<byte[]> sample = samples.computeIfAbsent(name, n -> new java.util.ArrayList<>());
                    if (sample.size() < SAMPLE) {
                        sample.add(raw);
                    }
                }
            }
        } while (!"0".equals(cursor));
        for (String name : new java.util.HashSet<>(keys.keySet())) {
            counted.putIfAbsent(name, 0L);
        }
        for (Map.Entry<String, Long> entry : counted.entrySet()) {
            String name = entry.getKey();
            long sampled = 0;
            List<byte[]> sample = samples.getOrDefault(name, List.of());
            for (byte[] key : sample) {
                Response usage = redis.send(Request.cmd(Command.MEMORY).arg("USAGE").arg(key)).await().atMost(Duration.ofSeconds(5));
                sampled += usage == null ? 0 : usage.toLong();
            }
            long approx = sample.isEmpty() ? 0 : sampled * entry.getValue() / sample.size();
            gauge(keys, "cache.namespace.keys", name).set(entry.getValue());
            gauge(bytes, "cache.namespace.bytes", name).set(approx);
        }
        countedAt = Instant.now();
    }

    private AtomicLong gauge(Map<String, AtomicLong> values, String meter, String namespace) {
        return values.computeIfAbsent(namespace, n -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(meter, value, AtomicLong::get).tag("namespace", n).register(meters);
            return value;
        });
    }

    /** {@code cache:<ns>:...} → ns. */
    private static String namespaceOf(byte[] key) {
        String text = new String(key, StandardCharsets.ISO_8859_1);
        int end = text.indexOf(':', 6);
        return text.startsWith("cache:") && end > 6 ? text.substring(6, end) : null;
    }
}
