package dev.groundwork.cache;

import dev.groundwork.cache.service.PipelinedRedis;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Upstash API's Redis path: reads of one event-loop turn share one write, and each still gets its own reply —
 * an error reply of one of them included — on its own context; a lost connection is replaced.
 */
@QuarkusTest
class PipelinedRedisTest {

    static final int READS = 50;

    @Inject
    PipelinedRedis pipelined;
    @Inject
    Redis redis;
    @Inject
    Vertx vertx;

    @Test
    void readsOfOneTurnEachGetTheirOwnReplyEvenWhenOneIsAnError() throws Exception {
        for (int i = 0; i < READS; i++) {
            RawRedis.call(redis, "SET", "pipelined:" + i, "value-" + i);
        }
        RawRedis.call(redis, "DEL", "pipelined:list");
        RawRedis.call(redis, "RPUSH", "pipelined:list", "x");
        Context context = vertx.getOrCreateContext();

        List<String> answers = onEventLoop(context, () -> {
            List<Uni<String>> reads = new ArrayList<>();
            for (int i = 0; i < READS; i++) {
                int index = i;
                // Each read checks that its reply comes back on the context it was sent from.
                Context own = Vertx.currentContext();
                reads.add(pipelined.read(get("pipelined:" + i)).map(reply ->
                        Vertx.currentContext() == own ? reply.toString() : "wrong context for " + index));
                if (i == READS / 2) {
                    reads.add(pipelined.read(get("pipelined:list")).map(Response::toString)
                            .onFailure().recoverWithItem(e -> "error " + e.getMessage()));
                }
            }
            reads.add(pipelined.read(get("pipelined:absent")).map(reply -> String.valueOf(reply)));
            return Uni.join().all(reads).andFailFast();
        });

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < READS; i++) {
            expected.add("value-" + i);
            if (i == READS / 2) {
                expected.add("error WRONGTYPE Operation against a key holding the wrong kind of value");
            }
        }
        expected.add("null");
        assertEquals(expected, answers);
    }

    @Test
    void aConnectionClosedUnderItIsReplaced() throws Exception {
        Context context = vertx.getOrCreateContext();
        RawRedis.call(redis, "SET", "pipelined:survivor", "still here");
        long before = onEventLoop(context, () -> pipelined.send(Request.cmd(Command.CLIENT).arg("ID")).map(Response::toLong));

        RawRedis.call(redis, "CLIENT", "KILL", "ID", before);
        long after = -1;
        String value = null;
        for (int attempt = 0; attempt < 50 && value == null; attempt++) {
            Thread.sleep(100);
            try {
                value = onEventLoop(context, () -> pipelined.read(get("pipelined:survivor")).map(Response::toString));
                after = onEventLoop(context, () -> pipelined.send(Request.cmd(Command.CLIENT).arg("ID")).map(Response::toLong));
            } catch (Exception e) {
                assertTrue(PipelinedRedis.connectionLost(e.getCause()), "only the lost connection may fail a command: " + e);
            }
        }
        assertEquals("still here", value);
        assertNotEquals(before, after, "a new connection");
    }

    private static Request get(String key) {
        return Request.cmd(Command.GET).arg(key);
    }

    /** Runs the calls in one task of the context's event loop, as a request's handler runs, and waits for the answer. */
    private static <T> T onEventLoop(Context context, Supplier<Uni<T>> calls) throws Exception {
        CompletableFuture<T> answer = new CompletableFuture<>();
        context.runOnContext(v -> calls.get().subscribe().with(answer::complete, answer::completeExceptionally));
        try {
            return answer.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new Exception(e.getCause().toString(), e.getCause());
        }
    }
}
