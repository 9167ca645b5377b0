package dev.groundwork.auth.rest;

import dev.groundwork.auth.error.AuthError;
import dev.groundwork.auth.error.ErrorCode;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.io.ByteArrayInputStream;

/**
 * Reads the body of each {@link BodyReadFirst} resource's request on the event loop, into memory, before the method
 * runs. Quarkus REST reads the body of a blocking method (all of ours), {@code byte[]} and forms included, on the
 * method's worker thread, waiting up to {@code quarkus.http.read-timeout} for each chunk: a client that announces a body
 * and sends it slowly parks a worker, and a few hundred of them stop the service (issue 13). Read here, a slow client
 * holds a connection and at most {@link JsonBody#MAX_BYTES}, never a thread.
 */
public class RequestBodies {

    @BodyReadFirst
    @ServerRequestFilter(nonBlocking = true)
    public Uni<Void> bufferBody(ContainerRequestContext context, HttpServerRequest request) {
        boolean announced = request.headers().contains(HttpHeaders.CONTENT_LENGTH) || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
        if (!announced || request.isEnded()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().<Buffer>emitter(body -> {
            Buffer read = Buffer.buffer();
            request.handler(chunk -> {
                // Nothing we parse is larger (JsonBody); Quarkus already refused a larger Content-Length than max-body-size.
                if (read.length() + chunk.length() > JsonBody.MAX_BYTES) {
                    body.fail(JsonBody.tooLarge());
                } else {
                    read.appendBuffer(chunk);
                }
            });
            request.endHandler(end -> body.complete(read));
            request.exceptionHandler(e -> {
                // A client that went away, or a stalled one the idle timeout closed: no one to answer, nothing wrong here.
                Log.debugf("A request body did not arrive: %s", e);
                body.fail(AuthError.badRequest(ErrorCode.VALIDATION_FAILED, "Request body incomplete"));
            });
            if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
                request.response().writeContinue();
            }
            request.resume();
        }).invoke(read -> context.setEntityStream(new ByteArrayInputStream(read.getBytes()))).replaceWithVoid();
    }
}
