package dev.groundwork.payment.service;

import dev.groundwork.http.Problem;
import dev.groundwork.payment.repository.InboxEvent;
import dev.groundwork.payment.repository.UnknownPrice;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** What operators see of the inbox and what they can do to it. */
@ApplicationScoped
public class InboxAdmin {

    /** How many failed rows and unknown prices the status lists. */
    private static final int LISTED = 100;

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

    /** Rows by state, the oldest failed rows, and the prices no plan lists. */
    public InboxStatus status() {
        Map<String, Long> counts = worker.counts();
        return QuarkusTransaction.requiringNew().call(() -> new InboxStatus(counts,
                InboxEvent.failed(LISTED).stream().map(r -> new FailedRow(r.id, r.type, r.attempts, r.lastError, r.nextAttemptAt)).toList(),
                UnknownPrice.latest(LISTED).stream().map(p -> new UnknownPriceRow(p.priceId, p.seen, p.lastSeen)).toList()));
    }

    /** Processes the row again now, whatever its state (objects are re-fetched, so a replay never goes back in time). */
    public Replayed replay(String id) {
        if (!QuarkusTransaction.requiringNew().call(() -> InboxEvent.requeue(id))) {
            throw new Problem(404, BillingErrors.NO_SUCH_EVENT, "the inbox has no event " + id);
        }
        worker.process(id);
        InboxEvent row = QuarkusTransaction.requiringNew().call(() -> InboxEvent.findById(id));
        return new Replayed(row.id, row.state, row.attempts, row.lastError);
    }
}
