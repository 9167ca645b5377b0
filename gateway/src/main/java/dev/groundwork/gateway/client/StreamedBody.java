package dev.groundwork.gateway.client;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.ReadStream;

/**
 * The client's body on its way to the service, still streamed: counted against the route's limit (a chunked body
 * has no Content-Length to check up front), watched for a client that stops sending or sends too slowly (which would
 * hold a request open at the service: the route's pace), and once it has all been read, {@code onEnd} starts the wait
 * for the service's answer (so a long upload is not cut off by the route's answer timeout).
 */
final class StreamedBody implements ReadStream<Buffer> {

    /** Why the pipe to the service stopped: the body went over the route's limit. */
    static final class TooLarge extends RuntimeException {
        TooLarge(long limit) {
            super("request body over " + limit + " bytes", null, false, false);
        }
    }

    /** Why the pipe to the service stopped: the body stalled, or came slower than the route's minimum rate. */
    static final class TooSlow extends RuntimeException {
        TooSlow(String detail) {
            super(detail, null, false, false);
        }
    }

    /**
     * How a body must keep coming: a byte at least every {@code idleMillis}; and, once {@code graceMillis} have passed,
     * {@code minBytesPerSecond} on average over each {@code windowMillis} (0: no minimum). Not a deadline: a large
     * upload that keeps its pace takes as long as it takes.
     */
    record Pace(long idleMillis, long minBytesPerSecond, long graceMillis, long windowMillis) {

        /** How often the pace is looked at: often enough to act within a quarter of the shortest span, never busily. */
        long tickMillis() {
            long shortest = Math.min(idleMillis, minBytesPerSecond > 0 ? Math.min(graceMillis, windowMillis) : idleMillis);
            return Math.max(50, Math.min(1_000, shortest / 4));
        }
    }

    /** Told why a body was too slow: {@code body-idle} or {@code body-rate}. */
    interface SlowListener {
        void slow(String reason);
    }

    private final HttpServerRequest source;
    private final long limit;
    private final Vertx vertx;
    private final Pace pace;
    private final SlowListener slowListener;
    private final Runnable onEnd;
    private long read;
    private volatile boolean tooLarge;
    private volatile String tooSlow;
    private Handler<Throwable> exceptionHandler;
    private long timer = -1;
    private boolean paused;
    private long lastByteAt;
    private long paceFrom;
    private long windowStart = -1;
    private long windowStartRead;

    StreamedBody(HttpServerRequest source, long limit, Vertx vertx, Pace pace, SlowListener slowListener, Runnable onEnd) {
        this.source = source;
        this.limit = limit;
        this.vertx = vertx;
        this.pace = pace;
        this.slowListener = slowListener;
        this.onEnd = onEnd;
    }

    boolean tooLarge() {
        return tooLarge;
    }

    /** Why the body was too slow, or null. */
    String tooSlow() {
        return tooSlow;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        source.handler(handler == null ? null : chunk -> {
            if (tooLarge || tooSlow != null) {
                return;
            }
            read += chunk.length();
            lastByteAt = now();
            if (read > limit) {
                tooLarge = true;
                stopWatching();
                source.pause();
                if (exceptionHandler != null) {
                    exceptionHandler.handle(new TooLarge(limit));
                }
                return;
            }
            handler.handle(chunk);
        });
        if (handler == null) {
            stopWatching();
        } else if (timer < 0) {
            // The body starts streaming now (it waited, paused, while the route's checks ran).
            lastByteAt = now();
            paceFrom = lastByteAt;
            timer = vertx.setPeriodic(pace.tickMillis(), id -> checkPace());
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> handler) {
        source.endHandler(handler == null ? null : v -> {
            stopWatching();
            onEnd.run();
            handler.handle(v);
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        exceptionHandler = handler;
        source.exceptionHandler(handler == null ? null : failure -> {
            stopWatching();
            handler.handle(failure);
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        paused = true;
        source.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        resumed();
        source.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        resumed();
        source.fetch(amount);
        return this;
    }

    /** Paused, the body waited for the service (backpressure), not for the client: its pace is measured afresh. */
    private void resumed() {
        if (paused) {
            paused = false;
            lastByteAt = now();
            paceFrom = lastByteAt;
            windowStart = -1;
        }
    }

    private void checkPace() {
        if (source.isEnded() || source.response().ended() || source.response().closed()) {
            stopWatching();
            return;
        }
        if (paused) {
            return;
        }
        long now = now();
        if (now - lastByteAt >= pace.idleMillis()) {
            tooSlow("body-idle", "the request body sent nothing for " + pace.idleMillis() + " ms");
            return;
        }
        if (pace.minBytesPerSecond() <= 0 || now - paceFrom < pace.graceMillis()) {
            return;
        }
        if (windowStart < 0) {
            windowStart = now;
            windowStartRead = read;
        } else if (now - windowStart >= pace.windowMillis()) {
            long rate = (read - windowStartRead) * 1_000 / (now - windowStart);
            if (rate < pace.minBytesPerSecond()) {
                tooSlow("body-rate", "the request body came at " + rate + " bytes/s, slower than the " + pace.minBytesPerSecond()
                        + " bytes/s this route needs");
                return;
            }
            windowStart = now;
            windowStartRead = read;
        }
    }

    private void tooSlow(String reason, String detail) {
        tooSlow = detail;
        stopWatching();
        source.pause();
        slowListener.slow(reason);
        if (exceptionHandler != null) {
            exceptionHandler.handle(new TooSlow(detail));
        }
    }

    private void stopWatching() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }
}
