package dev.groundwork.cache.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.AsyncResultUni;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.impl.types.ErrorType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;

/**
 * Redis for the Upstash API's commands: one connection per event loop, opened on that loop, so a command and its
 * reply stay on the request's thread, with every request of the loop pipelined on it. Reads sent in one turn of
 * the event loop go out together in one write: a GET through the REST API spent most of its time in write system
 * calls, one per command (bench/cache.md). Off an event loop (a worker thread), the client's pool is used.
 */
@ApplicationScoped
public class PipelinedRedis {

    @Inject
    Redis redis;

    private final ThreadLocal<Lane> lanes = ThreadLocal.withInitial(Lane::new);

    /** A read-only command, written with the other reads of this turn of the event loop. */
    public Uni<Response> read(Request request) {
        Context context = Vertx.currentContext();
        if (!onEventLoop(context)) {
            return redis.send(request);
        }
        Lane lane = lanes.get();
        Promise<io.vertx.redis.client.Response> reply = Promise.promise();
        if (lane.reads.isEmpty()) {
            context.runOnContext(v -> lane.flushReads());
        }
        lane.reads.add(new Read(request.getDelegate(), context, reply));
        return uni(reply.future()).map(PipelinedRedis::mutiny);
    }

    /** A command written at once, pipelined behind the loop's commands in flight. */
    public Uni<Response> send(Request request) {
        if (!onEventLoop(Vertx.currentContext())) {
            return redis.send(request);
        }
        return uni(lanes.get().connection().compose(c -> c.send(request.getDelegate()))).map(PipelinedRedis::mutiny);
    }

    /** Commands written as one block (a MULTI ... EXEC stays contiguous on the connection). */
    public Uni<List<Response>> batch(List<Request> requests) {
        if (!onEventLoop(Vertx.currentContext())) {
            return redis.batch(requests);
        }
        List<io.vertx.redis.client.Request> commands = requests.stream().map(Request::getDelegate).toList();
        return uni(lanes.get().connection().compose(c -> c.batch(commands)))
                .map(replies -> replies.stream().map(PipelinedRedis::mutiny).toList());
    }

    /** Whether the error is the connection's (it closed with the command in flight), not a command's error reply. */
    public static boolean connectionLost(Throwable e) {
        return e instanceof ErrorType error && String.valueOf(error.getMessage()).contains("CONNECTION_CLOSED");
    }

    private static boolean onEventLoop(Context context) {
        return context != null && context.isEventLoopContext();
    }

    private static <T> Uni<T> uni(Future<T> future) {
        return AsyncResultUni.toUni(future::onComplete);
    }

    private static Response mutiny(io.vertx.redis.client.Response reply) {
        return reply == null ? null : Response.newInstance(reply);
    }

    private record Read(io.vertx.redis.client.Request request, Context context, Promise<io.vertx.redis.client.Response> reply) {

        /** Completed on the request's own context, as a reply of the pool would be. */
        void complete(AsyncResult<io.vertx.redis.client.Response> result) {
            if (Vertx.currentContext() == context) {
                reply.handle(result);
            } else {
                context.runOnContext(v -> reply.handle(result));
            }
        }
    }

    /** One event loop's connection and the reads waiting for the end of its turn. Used only on that loop. */
    private final class Lane {

        private Future<RedisConnection> connection;
        private List<Read> reads = new ArrayList<>();

        Future<RedisConnection> connection() {
            if (connection == null || connection.failed()) {
                Future<RedisConnection> opening = redis.getDelegate().connect();
                opening.onSuccess(c -> c.exceptionHandler(e -> forget(opening)).endHandler(v -> forget(opening)));
                connection = opening;
            }
            return connection;
        }

        private void forget(Future<RedisConnection> lost) {
            if (connection == lost) {
                connection = null;
            }
        }

        void flushReads() {
            List<Read> flushing = reads;
            reads = new ArrayList<>();
            if (flushing.size() == 1) {
                sendAlone(flushing.get(0));
                return;
            }
            List<io.vertx.redis.client.Request> commands = flushing.stream().map(Read::request).toList();
            connection().compose(c -> c.batch(commands)).onComplete(written -> {
                if (written.succeeded()) {
                    for (int i = 0; i < flushing.size(); i++) {
                        flushing.get(i).complete(Future.succeededFuture(written.result().get(i)));
                    }
                    return;
                }
                if (!(written.cause() instanceof ErrorType)) {
                    // No connection could be opened (Redis is away): one attempt for the batch, not one per read.
                    flushing.forEach(read -> read.complete(Future.failedFuture(written.cause())));
                    return;
                }
                // An error reply to one read (WRONGTYPE, say) fails the whole batch, and so does a connection closed
                // under it: each read is sent again on its own, for its own reply. A read changes nothing, so twice
                // is harmless.
                flushing.forEach(this::sendAlone);
            });
        }

        private void sendAlone(Read read) {
            connection().compose(c -> c.send(read.request())).onComplete(read::complete);
        }
    }
}
