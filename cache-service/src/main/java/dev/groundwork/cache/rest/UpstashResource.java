package dev.groundwork.cache.rest;

import dev.groundwork.cache.config.CacheConfig;
import dev.groundwork.cache.service.Access;
import dev.groundwork.cache.service.CacheError;
import dev.groundwork.cache.service.UpstashCommands;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestHeader;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Upstash's REST API (the protocol of {@code @upstash/redis}): one command as a JSON array or as a path, a
 * pipeline, a transaction. Every answer is JSON: {@code {"result"}} or {@code {"error"}} with Upstash's status.
 */
@Path("/cache/v1/redis")
@Consumes(MediaType.WILDCARD)
public class UpstashResource {

    @Inject
    UpstashCommands commands;
    @Inject
    CacheConfig config;

    @POST
    public Uni<Response> command(byte[] body, @RestHeader("Upstash-Encoding") String encoding, HttpHeaders headers, UriInfo uri) {
        return answer(() -> {
            Access access = commands.admit(token(headers, uri));
            List<byte[]> argv = UpstashJson.command(bounded(body));
            return commands.single(access, argv).map(result -> UpstashJson.result(result, base64(encoding)));
        });
    }

    @POST
    @Path("pipeline")
    public Uni<Response> pipeline(byte[] body, @RestHeader("Upstash-Encoding") String encoding, HttpHeaders headers, UriInfo uri) {
        return answer(() -> {
            Access access = commands.admit(token(headers, uri));
            return commands.pipeline(access, UpstashJson.commands(bounded(body)))
                    .map(outcomes -> UpstashJson.outcomes(outcomes, base64(encoding)));
        });
    }

    @POST
    @Path("multi-exec")
    public Uni<Response> transaction(byte[] body, @RestHeader("Upstash-Encoding") String encoding, HttpHeaders headers, UriInfo uri) {
        return answer(() -> {
            Access access = commands.admit(token(headers, uri));
            return commands.transaction(access, UpstashJson.commands(bounded(body)))
                    .map(outcomes -> UpstashJson.outcomes(outcomes, base64(encoding)));
        });
    }

    /** The path form: {@code /set/k/v/EX/60}; a POST body, when there is one, is the last argument. */
    @GET
    @Path("{path: .+}")
    public Uni<Response> pathCommand(@PathParam("path") String ignored, @RestHeader("Upstash-Encoding") String encoding,
                                     HttpHeaders headers, UriInfo uri) {
        return pathForm(null, encoding, headers, uri);
    }

    @POST
    @Path("{path: .+}")
    public Uni<Response> pathCommandWithBody(@PathParam("path") String ignored, byte[] body,
                                             @RestHeader("Upstash-Encoding") String encoding, HttpHeaders headers, UriInfo uri) {
        return pathForm(body, encoding, headers, uri);
    }

    private Uni<Response> pathForm(byte[] body, String encoding, HttpHeaders headers, UriInfo uri) {
        return answer(() -> {
            Access access = commands.admit(token(headers, uri));
            List<byte[]> argv = new ArrayList<>();
            String raw = uri.getRequestUri().getRawPath();
            String rest = raw.substring(raw.indexOf("/cache/v1/redis/") + "/cache/v1/redis/".length());
            for (String segment : rest.split("/")) {
                if (!segment.isEmpty()) {
                    argv.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
                }
            }
            if (body != null && body.length > 0) {
                argv.add(bounded(body));
            }
            if (argv.isEmpty()) {
                throw CacheError.badRequest(CacheError.EMPTY_COMMAND);
            }
            return commands.single(access, argv).map(result -> UpstashJson.result(result, base64(encoding)));
        });
    }

    private byte[] bounded(byte[] body) {
        if (body != null && body.length > config.maxRequestBytes()) {
            throw CacheError.badRequest(CacheError.BODY_TOO_LARGE.formatted(config.maxRequestBytes()));
        }
        return body;
    }

    private static boolean base64(String encoding) {
        return encoding != null && encoding.trim().equalsIgnoreCase("base64");
    }

    private static String token(HttpHeaders headers, UriInfo uri) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return uri.getQueryParameters().getFirst("_token");
    }

    /** Runs a request; a {@link CacheError} thrown before or during it becomes Upstash's {@code {"error"}}. */
    private static Uni<Response> answer(Supplier<Uni<?>> work) {
        Uni<?> running;
        try {
            running = work.get();
        } catch (CacheError e) {
            return Uni.createFrom().item(error(e));
        } catch (RuntimeException e) {
            return Uni.createFrom().item(unexpected(e));
        }
        Function<Object, Response> ok = body -> Response.ok(UpstashJson.write(body), MediaType.APPLICATION_JSON).build();
        return running.map(ok)
                .onFailure().recoverWithItem(e -> e instanceof CacheError cacheError ? error(cacheError) : unexpected(e));
    }

    /** Our bug: logged with an id the answer gives, nothing of it (or of the request) in the answer. */
    private static Response unexpected(Throwable e) {
        String id = java.util.UUID.randomUUID().toString();
        io.quarkus.logging.Log.errorf(e, "Unexpected error %s", id);
        return Response.status(500).type(MediaType.APPLICATION_JSON)
                .entity(UpstashJson.write(UpstashJson.error("ERR internal error; its id in the service log is " + id))).build();
    }

    private static Response error(CacheError e) {
        return Response.status(e.status()).type(MediaType.APPLICATION_JSON)
                .entity(UpstashJson.write(UpstashJson.error(e.getMessage()))).build();
    }
}
