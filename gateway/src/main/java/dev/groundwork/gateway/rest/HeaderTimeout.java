package dev.groundwork.gateway.rest;

import dev.groundwork.gateway.config.GatewayConfig;
import dev.groundwork.http.Problem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.vertx.http.HttpServerStart;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.TCPServerBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request headers have not all arrived within {@code gateway.header-timeout}, counted from
 * the connection (or from the first byte of a later request on it), with a 408 problem where one can still be
 * written (not over TLS: this handler sits before the TLS one).
 * <p>
 * Vert.x 4.5 has no such setting: its idle timeouts count silence, which a client resets with one byte every few
 * seconds, and would also cut a long wait for a service's answer; Quarkus's {@code quarkus.http.idle-timeout} stays
 * what it is, the limit for an idle kept-alive connection. So a Netty handler of ours goes first in every accepted
 * connection's pipeline. Neither Quarkus nor Vert.x hands out the listening channel, nor a hook that runs before a
 * connection's first request: the channel is taken from Vert.x's shared servers (an internal field, checked by
 * {@code SlowClientsTest}), and the router tells each connection's handler when a request's headers are in and when
 * its answer is done. That field is read by reflection: registered for the native image, where an unregistered one
 * would leave only the warning below.
 */
@ApplicationScoped
@RegisterForReflection(targets = TCPServerBase.class, methods = false)
public class HeaderTimeout {

    private static final String HANDLER = "gateway-header-timeout";

    @Inject
    GatewayConfig config;
    @Inject
    MeterRegistry meters;
    @Inject
    Vertx vertx;

    private Counter timedOut;

    /** Before every other route: a request's headers are all in once any route sees it. */
    void install(@Observes Router router) {
        timedOut = Counter.builder("gateway.slow.requests").tag("route", "none").tag("reason", "headers")
                .description("Requests cut off because the client sent too slowly (headers, body-idle, body-rate)").register(meters);
        router.route().order(Integer.MIN_VALUE).handler(this::headersIn);
    }

    /**
     * The management interface (health, metrics) is one of the servers the handler goes on too: its router must say
     * when a request's headers are in, or each kept-alive connection (Prometheus's, monitoring-service's probes)
     * would be answered an unasked 408 ten seconds after it opened, which its next request reads as its answer.
     */
    void installOnManagement(@Observes ManagementInterface management) {
        management.router().route().order(Integer.MIN_VALUE).handler(this::headersIn);
    }

    /** Once the server listens: every connection it accepts from now on gets the handler first. */
    void watchConnections(@ObservesAsync HttpServerStart started) {
        long timeoutMillis = config.headerTimeout().toMillis();
        for (HttpServerImpl server : ((VertxInternal) vertx).sharedHttpServers().values()) {
            try {
                Field bound = TCPServerBase.class.getDeclaredField("bindFuture");
                bound.setAccessible(true);
                // Quarkus tells of the start as soon as its listen call returns; the bind may still be under way.
                ((Future<?>) bound.get(server)).onSuccess(channel -> {
                    if (channel instanceof Channel listening && listening.pipeline().get(HANDLER) == null) {
                        listening.pipeline().addFirst(HANDLER, new Acceptor(timeoutMillis, timedOut));
                        Log.debugf("Request-header timeout of %d ms on %s", timeoutMillis, listening.localAddress());
                    }
                });
            } catch (ReflectiveOperationException | RuntimeException e) {
                Log.warnf("The request-header timeout cannot be installed on this Vert.x (%s): only quarkus.http.idle-timeout limits slow headers", e);
            }
        }
    }

    private void headersIn(RoutingContext context) {
        Watch watch = watch(context.request());
        if (watch != null) {
            if (context.request().version() == HttpVersion.HTTP_2) {
                // Streams are multiplexed on one connection: its preface and first headers were timed, that is all.
                watch.stop();
            } else {
                watch.headersIn();
                context.addEndHandler(ended -> watch.answered());
            }
        }
        context.next();
    }

    private static Watch watch(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        return connection instanceof ConnectionBase base ? base.channel().pipeline().get(Watch.class) : null;
    }

    /** On the listening channel: puts a {@link Watch} first in each accepted connection's pipeline. */
    @ChannelHandler.Sharable
    private static final class Acceptor extends ChannelInboundHandlerAdapter {
        private final long timeoutMillis;
        private final Counter timedOut;

        Acceptor(long timeoutMillis, Counter timedOut) {
            this.timeoutMillis = timeoutMillis;
            this.timedOut = timedOut;
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (message instanceof Channel accepted) {
                accepted.pipeline().addFirst(HANDLER, new Watch(timeoutMillis, timedOut));
            }
            context.fireChannelRead(message);
        }
    }

    /**
     * One connection: the clock runs from the connection, and again from the first byte after an answer, until the
     * router has the request. All on the connection's event loop.
     */
    private static final class Watch extends ChannelInboundHandlerAdapter {
        private final long timeoutMillis;
        private final Counter timedOut;
        private ChannelHandlerContext context;
        private ScheduledFuture<?> clock;
        private boolean inRequest;
        private boolean stopped;

        Watch(long timeoutMillis, Counter timedOut) {
            this.timeoutMillis = timeoutMillis;
            this.timedOut = timedOut;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            this.context = context;
        }

        @Override
        public void channelActive(ChannelHandlerContext context) {
            start();
            context.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (!inRequest && clock == null) {
                start();
            }
            context.fireChannelRead(message);
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            stop();
            context.fireChannelInactive();
        }

        void headersIn() {
            onLoop(() -> {
                cancel();
                inRequest = true;
            });
        }

        void answered() {
            onLoop(() -> inRequest = false);
        }

        void stop() {
            onLoop(() -> {
                stopped = true;
                cancel();
            });
        }

        private void start() {
            if (!stopped) {
                clock = context.executor().schedule(this::timedOut, timeoutMillis, TimeUnit.MILLISECONDS);
            }
        }

        private void cancel() {
            if (clock != null) {
                clock.cancel(false);
                clock = null;
            }
        }

        private void timedOut() {
            if (clock == null || inRequest || stopped) {
                return;
            }
            clock = null;
            timedOut.increment();
            Channel channel = context.channel();
            if (channel.pipeline().get(SslHandler.class) != null) {
                channel.close();
                return;
            }
            String id = UUID.randomUUID().toString();
            byte[] body = new JsonObject(Problem.body(408, "Request timeout",
                    "the request headers did not arrive within " + timeoutMillis + " ms", id)).encode().getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 408 Request Timeout\r\nContent-Type: " + Problem.MEDIA_TYPE + "\r\nContent-Length: " + body.length
                    + "\r\n" + Problem.REQUEST_ID_HEADER + ": " + id + "\r\nConnection: close\r\n\r\n";
            // Straight to the socket, past Vert.x's encoder: no request was ever handed to it.
            context.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.ISO_8859_1), body))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        private void onLoop(Runnable action) {
            if (context.executor().inEventLoop()) {
                action.run();
            } else {
                context.executor().execute(action);
            }
        }
    }
}
