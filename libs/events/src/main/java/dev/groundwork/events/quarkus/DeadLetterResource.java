package dev.groundwork.events.quarkus;

import dev.groundwork.events.MalformedEventException;
import dev.groundwork.events.PersonalData;
import dev.groundwork.events.StreamConsumer;
import dev.groundwork.http.Problem;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;

/**
 * Operators' view of this service's dead letters: list them (personal data masked), replay one through its handler
 * (with the stored event, unmasked). Only for the role {@code admin} ({@code app_metadata.roles} of a token of
 * auth-service's): each service maps its bearer tokens to roles (quarkus-oidc, auth-service its own mechanism), and
 * a service that has none refuses everyone. Not routed by the gateway; reach it inside the cluster (kubectl
 * port-forward). See docs/runbooks.md.
 */
@Path("/admin/events/dead-letters")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    private static final Pattern STREAM_ID = Pattern.compile("\\d{1,20}-\\d{1,20}");

    @Inject
    EventsRuntime runtime;

    /** Sent inside a {@link Response}, whose entity type Quarkus REST cannot see at build time: registered for the native image. */
    @RegisterForReflection
    public record DeadLetters(String group, String stream, long total, List<StreamConsumer.DeadLetter> items) {
    }

    @GET
    public Response list(@QueryParam("limit") @DefaultValue("50") int limit) {
        if (limit < 1 || limit > 1000) {
            return problem(400, "Bad limit", "limit must be between 1 and 1000");
        }
        return runtime.consumer()
                .map(consumer -> Response.ok(new DeadLetters(consumer.group(), consumer.deadLetterStream(),
                        consumer.deadLetterCount(), consumer.deadLetters(limit).stream()
                        .map(StreamConsumer.DeadLetter::redacted).toList())).build())
                .orElseGet(DeadLetterResource::noConsumer);
    }

    @POST
    @Path("{id}/replay")
    public Response replay(@PathParam("id") String id) {
        if (!STREAM_ID.matcher(id).matches()) {
            return problem(400, "Bad dead-letter id", "a dead-letter id is a stream entry id such as 1700000000000-0");
        }
        if (runtime.consumer().isEmpty()) {
            return noConsumer();
        }
        try {
            StreamConsumer.ReplayOutcome outcome = runtime.consumer().get().replay(id);
            Log.infof("Dead letter %s replayed: %s", id, outcome);
            return Response.ok(Map.of("id", id, "outcome", outcome.name().toLowerCase())).build();
        } catch (NoSuchElementException e) {
            return problem(404, "No such dead letter", e.getMessage());
        } catch (MalformedEventException e) {
            return problem(422, "Not an event", "this entry cannot be replayed: " + e.getMessage());
        } catch (Exception e) {
            String error = PersonalData.maskText(e.toString());
            Log.warnf("Replay of dead letter %s failed: %s", id, error);
            return problem(409, "Replay failed", "the handler failed again, the dead letter stays: " + error);
        }
    }

    private static Response noConsumer() {
        return problem(404, "No consumer", "this service consumes no events");
    }

    private static Response problem(int status, String title, String detail) {
        return Problem.response(status, title, detail);
    }
}
