package dev.groundwork.gateway.client;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * The client's body on its way to the service, still streamed: counted against the route's limit (a chunked body
 * has no Content-Length to check up front), and once it has all been read, {@code onEnd} starts the wait for the
 * service's answer (so a long upload is not cut off by the route's answer timeout).
 */
final class StreamedBody implements ReadStream<Buffer> {

    /** Why the pipe to the service stopped: the body went over the route's limit. */
    static final class TooLarge extends RuntimeException {
        TooLarge(long limit) {
            super("request body over " + limit + " bytes", null, false, false);
        }
    }

    private final ReadStream<Buffer> source;
    private final long limit;
    private final Runnable onEnd;
    private long read;
    private volatile boolean tooLarge;
    private Handler<Throwable> exceptionHandler;

    StreamedBody(ReadStream<Buffer> source, long limit, Runnable onEnd) {
        this.source = source;
        this.limit = limit;
        this.onEnd = onEnd;
    }

    boolean tooLarge() {
        return tooLarge;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        source.handler(handler == null ? null : chunk -> {
            if (tooLarge) {
                return;
            }
            read += chunk.length();
            if (read > limit) {
                tooLarge = true;
                source.pause();
                if (exceptionHandler != null) {
                    exceptionHandler.handle(new TooLarge(limit));
                }
                return;
            }
            handler.handle(chunk);
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> handler) {
        source.endHandler(handler == null ? null : v -> {
            onEnd.run();
            handler.handle(v);
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        exceptionHandler = handler;
        source.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        source.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        source.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        source.fetch(amount);
        return this;
    }
}
