package dev.groundwork.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One service's consumer group on one or more streams. Reads new entries with a blocking XREADGROUP on its own
 * connection, runs the subscribed handler through {@link ProcessedEvents} (effect once), and acks after commit.
 * Entries another instance left pending (it crashed, or its handler failed) are taken over with XAUTOCLAIM after
 * {@code claimIdle}; an entry delivered {@code maxDeliveries} times whose handler still fails, or one that is not
 * a readable event, goes to {@code events:dead:<group>} with the reason and is acked, so the group moves on.
 * Every process is a new consumer of the group (its name has a random part), so consumers of processes that are
 * gone are removed from the group once they hold no pending entries and were idle for {@code forgetAfter}.
 */
public final class StreamConsumer implements Runnable {

    private static final Logger LOG = Logger.getLogger(StreamConsumer.class);
    private static final int MAX_ERROR_LENGTH = 2000;
    /**
     * Removes a consumer only while it has no pending entry, in one step: XGROUP DELCONSUMER would drop the entries
     * of a consumer that read some between our look and the removal, and no XAUTOCLAIM could find them again.
     */
    private static final String FORGET_IF_EMPTY = """
            if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2]) > 0 then return -1 end
            return redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])""";

    /** Which events of which stream a handler wants. */
    public record Subscription(String stream, Set<String> types, EventHandler handler) {
    }

    /**
     * @param maxDeliveries    deliveries after which a failing event is dead-lettered
     * @param claimIdle        how long an entry stays pending before another consumer takes it over
     * @param block            how long one XREADGROUP waits for new entries
     * @param batchSize        entries per read
     * @param maxBackoff       the longest wait after repeated Redis or database failures
     * @param redisTimeout     how long a Redis command may take (on top of {@code block} for reads)
     * @param deadLetterMaxLen approximate MAXLEN of the dead-letter stream
     * @param processedRetention how long the record of an applied event is kept
     * @param forgetAfter      how long a consumer of the group without pending entries may be idle before it is
     *                         removed from the group (a live one of a quiet group may be: before Redis 7.2 a read
     *                         that returns nothing is no activity; the next entry it reads adds it again)
     */
    public record Settings(int maxDeliveries, Duration claimIdle, Duration block, int batchSize, Duration maxBackoff,
                           Duration redisTimeout, long deadLetterMaxLen, Duration processedRetention, Duration forgetAfter) {
        public Settings {
            // Shorter than a read, live consumers of a busy group would be removed and added again all the time.
            if (forgetAfter.compareTo(block) <= 0) {
                throw new IllegalArgumentException("forgetAfter (" + forgetAfter + ") must be longer than a blocking read ("
                        + block + ")");
            }
        }

        public static Settings defaults() {
            return new Settings(5, Duration.ofSeconds(30), Duration.ofSeconds(2), 100, Duration.ofSeconds(30),
                    Duration.ofSeconds(5), 10_000, Duration.ofDays(7), Duration.ofHours(1));
        }
    }

    /** A dead-lettered entry: the stored event and the error of its last delivery (JSON in DeadLetterResource's untyped Response). */
    @RegisterForReflection
    public record DeadLetter(String id, String stream, String entryId, String type, String error, long deliveries,
                             String failedAt, String event) {

        /** As the admin endpoint shows it: e-mail addresses and phone numbers masked ({@link PersonalData}). */
        public DeadLetter redacted() {
            return new DeadLetter(id, stream, entryId, type, PersonalData.maskText(error), deliveries, failedAt,
                    PersonalData.maskEvent(event));
        }
    }

    /** The result of replaying a dead letter: whether the effect was applied now or had been before. */
    public enum ReplayOutcome { APPLIED, ALREADY_APPLIED }

    private final String group;
    private final String consumerName;
    private final List<Subscription> subscriptions;
    private final List<String> streams;
    private final ProcessedEvents processed;
    private final Redis redis;
    private final Settings settings;
    private final MeterRegistry meters;
    private final Map<String, AtomicLong> pending = new HashMap<>();
    private final Map<String, AtomicLong> lag = new HashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Timer deliveryLatency;
    private final Counter failures;
    private final Counter forgottenConsumers;
    private volatile boolean running = true;
    private RedisConnection connection;
    private Instant nextClaim = Instant.EPOCH;
    private Instant nextPurge = Instant.EPOCH;

    public StreamConsumer(String group, String consumerName, List<Subscription> subscriptions, ProcessedEvents processed,
                          Redis redis, Settings settings, MeterRegistry meters) {
        this.group = group;
        this.consumerName = consumerName;
        this.subscriptions = List.copyOf(subscriptions);
        this.streams = List.copyOf(new LinkedHashSet<>(subscriptions.stream().map(Subscription::stream).toList()));
        this.processed = processed;
        this.redis = redis;
        this.settings = settings;
        this.meters = meters;
        for (String stream : streams) {
            pending.put(stream, gauge("groundwork.events.consumer.pending", stream, "Entries delivered to the group and not yet acked"));
            lag.put(stream, gauge("groundwork.events.consumer.lag", stream, "Entries on the stream not yet delivered to the group"));
        }
        this.deliveryLatency = Timer.builder("groundwork.events.delivery").tag("group", group)
                .description("From the event's time to the end of its handler").publishPercentileHistogram()
                .register(meters);
        // Registered up front, so dashboards and alerts see a zero rather than nothing.
        for (Subscription subscription : subscriptions) {
            subscription.types().forEach(type -> handlerFailures(type));
        }
        deadLettered("failed");
        deadLettered("malformed");
        this.failures = Counter.builder("groundwork.events.consumer.failures").tag("group", group)
                .description("Consumer rounds that failed (Redis or database unavailable)").register(meters);
        this.forgottenConsumers = Counter.builder("groundwork.events.consumer.forgotten").tag("group", group)
                .description("Consumers of gone processes removed from the group").register(meters);
    }

    public String group() {
        return group;
    }

    public String deadLetterStream() {
        return "events:dead:" + group;
    }

    /** Runs until {@link #stop()}; Redis or database failures are waited out with backoff, never given up on. */
    @Override
    public void run() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), settings.maxBackoff());
        while (running) {
            try {
                if (connection == null) {
                    connection = redis.connect().await().atMost(settings.redisTimeout());
                    createGroups();
                    if (backoff.failures() > 0) {
                        LOG.infof("Consumer %s reads %s again after %d failed attempts", group, streams, backoff.failures());
                    }
                }
                if (Instant.now().isAfter(nextClaim)) {
                    forgetGoneConsumers();
                    claimStale();
                    measure();
                    nextClaim = Instant.now().plus(settings.claimIdle().dividedBy(2));
                }
                readNew();
                backoff.reset();
                purgeProcessed();
            } catch (Exception e) {
                if (!running) {
                    break;
                }
                closeConnection();
                failures.increment();
                Duration wait = backoff.next();
                if (backoff.failures() == 1) {
                    LOG.warnf("Consumer %s cannot read %s, retrying (next in %d ms): %s", group, streams, wait.toMillis(), e.toString());
                } else {
                    LOG.debugf("Consumer %s still failing (attempt %d): %s", group, backoff.failures(), e);
                }
                await(wait);
            }
        }
        closeConnection();
    }

    public void stop() {
        running = false;
        stopped.countDown();
    }

    private void createGroups() {
        for (String stream : streams) {
            try {
                send(RedisCalls.cmd(Command.XGROUP, "CREATE", stream, group, "0", "MKSTREAM"));
            } catch (RuntimeException e) {
                if (e.getMessage() == null || !e.getMessage().contains("BUSYGROUP")) {
                    throw e;
                }
            }
        }
    }

    private void readNew() throws Exception {
        List<Object> args = new ArrayList<>(List.of("GROUP", group, consumerName, "COUNT", settings.batchSize(),
                "BLOCK", settings.block().toMillis(), "STREAMS"));
        args.addAll(streams);
        streams.forEach(s -> args.add(">"));
        Response reply = connection.send(RedisCalls.cmd(Command.XREADGROUP, args.toArray()))
                .await().atMost(settings.block().plus(settings.redisTimeout()));
        if (reply == null) {
            return;
        }
        for (Response streamReply : reply) {
            String stream = streamReply.get(0).toString();
            for (Response entry : streamReply.get(1)) {
                process(stream, entry.get(0).toString(), RedisCalls.fields(entry.get(1)), 1);
            }
        }
    }

    /**
     * Removes the group's consumers that are gone: idle longer than forgetAfter and without pending entries. One with
     * pending entries stays until XAUTOCLAIM has taken them over (then it is empty and goes on a later round).
     * Only this group's consumers, never this one.
     */
    private void forgetGoneConsumers() {
        for (String stream : streams) {
            List<String> forgotten = new ArrayList<>();
            for (Response info : send(RedisCalls.cmd(Command.XINFO, "CONSUMERS", stream, group))) {
                Map<String, Response> fields = RedisCalls.info(info);
                String name = fields.get("name").toString();
                if (!name.equals(consumerName) && fields.get("pending").toLong() == 0
                        && fields.get("idle").toLong() > settings.forgetAfter().toMillis()
                        && send(RedisCalls.cmd(Command.EVAL, FORGET_IF_EMPTY, 1, stream, group, name)).toLong() == 0) {
                    forgotten.add(name);
                }
            }
            if (!forgotten.isEmpty()) {
                forgottenConsumers.increment(forgotten.size());
                LOG.infof("Removed consumers %s of group %s on %s: idle for more than %s, nothing pending",
                        forgotten, group, stream, settings.forgetAfter());
            }
        }
    }

    /** Takes over entries pending longer than claimIdle, from any consumer of the group (a crashed one, or us). */
    private void claimStale() throws Exception {
        for (String stream : streams) {
            String start = "0-0";
            for (int round = 0; round < 10 && running; round++) {
                Response reply = send(RedisCalls.cmd(Command.XAUTOCLAIM, stream, group, consumerName,
                        settings.claimIdle().toMillis(), start, "COUNT", settings.batchSize()));
                Response entries = reply.get(1);
                if (entries.size() > 0) {
                    Map<String, Long> deliveries = deliveryCounts(stream, entries.get(0).get(0).toString(),
                            entries.get(entries.size() - 1).get(0).toString());
                    for (Response entry : entries) {
                        String id = entry.get(0).toString();
                        process(stream, id, RedisCalls.fields(entry.get(1)), deliveries.getOrDefault(id, 1L));
                    }
                }
                start = reply.get(0).toString();
                if ("0-0".equals(start)) {
                    break;
                }
            }
        }
    }

    private Map<String, Long> deliveryCounts(String stream, String first, String last) {
        Map<String, Long> counts = new HashMap<>();
        Response reply = send(RedisCalls.cmd(Command.XPENDING, stream, group, first, last, settings.batchSize(), consumerName));
        for (Response entry : reply) {
            counts.put(entry.get(0).toString(), entry.get(3).toLong());
        }
        return counts;
    }

    private void process(String stream, String entryId, Map<String, String> fields, long deliveries) throws Exception {
        Event event;
        try {
            event = EventCodec.decode(fields);
        } catch (MalformedEventException e) {
            LOG.warnf("Entry %s on %s is not an event we can read, moved to %s: %s", entryId, stream, deadLetterStream(), e.getMessage());
            deadLetter(stream, entryId, fields, "unknown", "malformed entry: " + e.getMessage(), deliveries, "malformed");
            return;
        }
        Subscription subscription = subscription(stream, event.type());
        if (subscription == null) {
            ack(stream, entryId);
            handled(event.type(), "ignored");
            return;
        }
        boolean applied;
        try {
            applied = withTrace(event, () -> processed.runOnce(group, event, subscription.handler(), connection));
        } catch (Exception | LinkageError | StackOverflowError e) {
            if (e instanceof Exception exception && isInfrastructureFailure(exception)) {
                throw exception;
            }
            handlerFailures(event.type()).increment();
            if (deliveries >= settings.maxDeliveries()) {
                LOG.errorf("Event %s (%s) failed %d times, moved to %s: %s", event.id(), event.type(), deliveries,
                        deadLetterStream(), e.toString());
                deadLetter(stream, entryId, fields, event.type(), e.toString(), deliveries, "failed");
            } else {
                LOG.warnf("Event %s (%s) failed (delivery %d of %d), retried after %d ms: %s", event.id(), event.type(),
                        deliveries, settings.maxDeliveries(), settings.claimIdle().toMillis(), e.toString());
            }
            return;
        }
        ack(stream, entryId);
        handled(event.type(), applied ? "applied" : "duplicate");
        if (applied && event.time() != null) {
            deliveryLatency.record(Duration.between(event.time(), OffsetDateTime.now()));
        }
    }

    /** Database or Redis unreachable: not the event's fault, so it is retried after backoff, never dead-lettered. */
    static boolean isInfrastructureFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof ConnectException || t instanceof TimeoutException
                    || t instanceof io.smallrye.mutiny.TimeoutException
                    || (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08"))) {
                return true;
            }
        }
        return false;
    }

    private void deadLetter(String stream, String entryId, Map<String, String> fields, String type, String error,
                            long deliveries, String reason) {
        String event = fields.containsKey(EventCodec.FIELD) ? fields.get(EventCodec.FIELD) : fields.toString();
        List<Request> transaction = List.of(
                Request.cmd(Command.MULTI),
                RedisCalls.cmd(Command.XADD, deadLetterStream(), "MAXLEN", "~", settings.deadLetterMaxLen(), "*",
                        "stream", stream, "entry", entryId, "type", type, "error", truncate(error),
                        "deliveries", deliveries, "consumer", consumerName, "failed_at", Instant.now().toString(),
                        EventCodec.FIELD, event),
                RedisCalls.cmd(Command.XACK, stream, group, entryId),
                Request.cmd(Command.EXEC));
        connection.batch(transaction).await().atMost(settings.redisTimeout());
        deadLettered(reason).increment();
    }

    private Counter handlerFailures(String type) {
        return Counter.builder("groundwork.events.handler.failures").tag("group", group).tag("type", type)
                .description("Handler runs that threw").register(meters);
    }

    private Counter deadLettered(String reason) {
        return Counter.builder("groundwork.events.dead.lettered").tag("group", group).tag("reason", reason)
                .description("Events moved to the dead-letter stream").register(meters);
    }

    private void ack(String stream, String entryId) {
        send(RedisCalls.cmd(Command.XACK, stream, group, entryId));
    }

    private void handled(String type, String outcome) {
        Counter.builder("groundwork.events.handled").tag("group", group).tag("type", type).tag("outcome", outcome)
                .description("Events taken off the stream, by outcome").register(meters).increment();
    }

    private Subscription subscription(String stream, String type) {
        for (Subscription subscription : subscriptions) {
            if (subscription.stream().equals(stream) && subscription.types().contains(type)) {
                return subscription;
            }
        }
        return null;
    }

    /** The request id and traceparent of the causing request are in the MDC while the handler runs. */
    private static <T> T withTrace(Event event, java.util.concurrent.Callable<T> work) throws Exception {
        if (event.requestId() != null) {
            MDC.put("requestId", event.requestId());
        }
        if (event.traceparent() != null) {
            MDC.put("traceparent", event.traceparent());
        }
        try {
            return work.call();
        } finally {
            MDC.remove("requestId");
            MDC.remove("traceparent");
        }
    }

    private void measure() {
        for (String stream : streams) {
            for (Response info : send(RedisCalls.cmd(Command.XINFO, "GROUPS", stream))) {
                Map<String, Response> fields = RedisCalls.info(info);
                if (group.equals(fields.get("name").toString())) {
                    pending.get(stream).set(fields.get("pending").toLong());
                    Response streamLag = fields.get("lag");
                    if (streamLag != null) {
                        lag.get(stream).set(streamLag.toLong());
                    }
                }
            }
        }
    }

    private void purgeProcessed() throws Exception {
        if (Instant.now().isAfter(nextPurge)) {
            nextPurge = Instant.now().plus(Duration.ofHours(1));
            processed.purge(settings.processedRetention());
        }
    }

    /** The newest dead letters first. */
    public List<DeadLetter> deadLetters(int count) {
        List<DeadLetter> letters = new ArrayList<>();
        Response reply = redis.send(RedisCalls.cmd(Command.XREVRANGE, deadLetterStream(), "+", "-", "COUNT", count))
                .await().atMost(settings.redisTimeout());
        for (Response entry : reply) {
            letters.add(deadLetter(entry.get(0).toString(), RedisCalls.fields(entry.get(1))));
        }
        return letters;
    }

    public long deadLetterCount() {
        return redis.send(RedisCalls.cmd(Command.XLEN, deadLetterStream())).await().atMost(settings.redisTimeout()).toLong();
    }

    /**
     * Runs a dead letter's event through its handler now (effect once, as always) and removes it from the
     * dead-letter stream when that succeeds; a failure is thrown and the dead letter stays.
     *
     * @throws java.util.NoSuchElementException when there is no such dead letter
     * @throws MalformedEventException           when the entry is not an event, so there is nothing to replay
     */
    public ReplayOutcome replay(String deadLetterId) throws Exception {
        RedisConnection replayConnection = redis.connect().await().atMost(settings.redisTimeout());
        try {
            Response reply = replayConnection.send(RedisCalls.cmd(Command.XRANGE, deadLetterStream(), deadLetterId, deadLetterId))
                    .await().atMost(settings.redisTimeout());
            if (reply == null || reply.size() == 0) {
                throw new java.util.NoSuchElementException("no dead letter " + deadLetterId + " in " + deadLetterStream());
            }
            Map<String, String> fields = RedisCalls.fields(reply.get(0).get(1));
            Event event = EventCodec.decode(Map.of(EventCodec.FIELD, fields.getOrDefault(EventCodec.FIELD, "")));
            Subscription subscription = subscription(fields.get("stream"), event.type());
            if (subscription == null) {
                throw new IllegalStateException("no handler of " + group + " takes " + event.type() + " from " + fields.get("stream"));
            }
            boolean applied = withTrace(event, () -> processed.runOnce(group, event, subscription.handler(), replayConnection));
            replayConnection.send(RedisCalls.cmd(Command.XDEL, deadLetterStream(), deadLetterId)).await().atMost(settings.redisTimeout());
            handled(event.type(), applied ? "applied" : "duplicate");
            return applied ? ReplayOutcome.APPLIED : ReplayOutcome.ALREADY_APPLIED;
        } finally {
            replayConnection.close().await().atMost(settings.redisTimeout());
        }
    }

    private static DeadLetter deadLetter(String id, Map<String, String> fields) {
        return new DeadLetter(id, fields.get("stream"), fields.get("entry"), fields.get("type"), fields.get("error"),
                Long.parseLong(fields.getOrDefault("deliveries", "0")), fields.get("failed_at"), fields.get(EventCodec.FIELD));
    }

    private Response send(Request request) {
        return connection.send(request).await().atMost(settings.redisTimeout());
    }

    private AtomicLong gauge(String name, String stream, String description) {
        AtomicLong value = new AtomicLong();
        Gauge.builder(name, value, AtomicLong::get).tag("stream", stream).tag("group", group)
                .description(description).register(meters);
        return value;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close().await().atMost(Duration.ofSeconds(1));
            } catch (RuntimeException ignored) {
                // The connection is broken already; it is replaced on the next round.
            }
            connection = null;
        }
    }

    private void await(Duration wait) {
        if (!Backoff.pause(stopped, wait)) {
            running = false;
        }
    }

    private static String truncate(String text) {
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH) + "…";
    }
}
