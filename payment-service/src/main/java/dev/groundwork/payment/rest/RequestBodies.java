package dev.groundwork.payment.rest;

import dev.groundwork.http.Problem;
import dev.groundwork.payment.service.BillingErrors;
import io.quarkus.logging.Log;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.io.ByteArrayInputStream;

/**
 * Reads the request body of each {@link BodyReadFirst} resource on the event loop, into memory, before the method runs. Quarkus REST reads the body
 * of a blocking method (all of ours) on the method's worker thread, waiting up to {@code quarkus.http.read-timeout} for
 * each chunk: a client that announces a body and sends it slowly parks a worker, and a few hundred of them stop the
 * service (issue 13). Read here, a slow client holds a connection and at most {@code quarkus.http.limits.max-body-size}
 * bytes, never a thread; the method gets the whole body at once.
 */
public class RequestBodies {

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize maxBodySize;

    @BodyReadFirst
    @ServerRequestFilter(nonBlocking = true)
    public Uni<Void> readFirst(ContainerRequestContext context, HttpServerRequest request) {
        if (request.isEnded() || !request.headers().contains(HttpHeaders.CONTENT_LENGTH)
                && !request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            return Uni.createFrom().voidItem();
        }
        long limit = maxBodySize.asLongValue();
        return Uni.createFrom().<byte[]>emitter(emitter -> {
            Buffer body = Buffer.buffer();
            request.handler(chunk -> {
                if (body.length() + (long) chunk.length() <= limit) {
                    body.appendBuffer(chunk);
                } else {
                    // Quarkus refuses a Content-Length over the limit before us; this is a chunked body growing past it.
                    emitter.fail(new Problem(413, BillingErrors.BODY_TOO_LARGE, "the body is larger than " + limit + " bytes"));
                }
            });
            request.exceptionHandler(e -> {
                // Mostly a client that went away (or the idle timeout closing a stalled one): nobody to tell, no error.
                Log.debugf("A request body did not arrive: %s", e);
                emitter.fail(new Problem(400, BillingErrors.BAD_REQUEST, "the body did not arrive"));
            });
            request.endHandler(end -> emitter.complete(body.getBytes()));
            if (HttpHeaders.CONTINUE.toString().equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
                request.response().writeContinue();
            }
            request.resume();
        }).invoke(bytes -> context.setEntityStream(new ByteArrayInputStream(bytes))).replaceWithVoid();
    }
}
