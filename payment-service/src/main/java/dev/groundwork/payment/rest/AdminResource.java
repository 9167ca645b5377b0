package dev.groundwork.payment.rest;

import com.stripe.exception.StripeException;
import dev.groundwork.payment.repository.InboxEvent;
import dev.groundwork.payment.service.InboxWorker;
import dev.groundwork.payment.service.Reconciliation;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** For operators (role {@code admin}): the inbox's state, replay of a row, a reconciliation run now. */
@Path("/admin/payments")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    public record FailedRow(String id, String type, int attempts, String lastError, OffsetDateTime nextAttemptAt) {
    }

    public record UnknownPriceRow(String priceId, long seen, OffsetDateTime lastSeen) {
    }

    public record InboxStatus(Map<String, Long> counts, List<FailedRow> failed, List<UnknownPriceRow> unknownPrices) {
    }

    public record Replayed(String id, String state, int attempts, String lastError) {
    }

    @Inject
    InboxWorker worker;
    @Inject
    Reconciliation reconciliation;
    @Inject
    EntityManager entityManager;

    @GET
    @Path("inbox")
    public InboxStatus inbox() {
        Map<String, Long> counts = worker.counts();
        return QuarkusTransaction.requiringNew().call(() -> {
            List<FailedRow> failed = InboxEvent.<InboxEvent>find("state", Sort.ascending("receivedAt"), InboxEvent.FAILED).range(0, 99)
                    .list().stream().map(r -> new FailedRow(r.id, r.type, r.attempts, r.lastError, r.nextAttemptAt)).toList();
            @SuppressWarnings("unchecked")
            List<Object[]> prices = entityManager.createNativeQuery(
                    "SELECT price_id, seen, last_seen FROM billing.unknown_price ORDER BY last_seen DESC LIMIT 100").getResultList();
            return new InboxStatus(counts, failed, prices.stream().map(p -> new UnknownPriceRow((String) p[0], ((Number) p[1]).longValue(),
                    ((java.time.Instant) p[2]).atOffset(java.time.ZoneOffset.UTC))).toList());
        });
    }

    /** Processes the row again now, whatever its state (objects are re-fetched, so a replay never goes back in time). */
    @POST
    @Path("inbox/{id}/replay")
    public Replayed replay(@PathParam("id") String id) {
        boolean exists = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                        "UPDATE billing.stripe_event SET state = 'pending', next_attempt_at = now() WHERE id = ?1")
                .setParameter(1, id).executeUpdate() == 1);
        if (!exists) {
            throw new Problem(404, "No such event", "the inbox has no event " + id);
        }
        worker.process(id);
        InboxEvent row = QuarkusTransaction.requiringNew().call(() -> InboxEvent.findById(id));
        return new Replayed(row.id, row.state, row.attempts, row.lastError);
    }

    @POST
    @Path("reconciliation")
    public Reconciliation.Outcome reconcile() throws StripeException {
        return reconciliation.run();
    }
}
