package dev.groundwork.payment.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.List;

/** A Stripe event in the inbox: stored raw when it arrives, processed by the worker. */
@Entity
@Table(name = "stripe_event")
public class InboxEvent extends PanacheEntityBase {

    public static final String PENDING = "pending";
    public static final String PROCESSED = "processed";
    public static final String IGNORED = "ignored";
    public static final String FAILED = "failed";

    @Id
    public String id;

    public String type;

    @Column(name = "api_version")
    public String apiVersion;

    public long created;

    public String payload;

    public String source;

    public String state;

    public int attempts;

    @Column(name = "next_attempt_at")
    public OffsetDateTime nextAttemptAt;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "received_at")
    public OffsetDateTime receivedAt;

    @Column(name = "processed_at")
    public OffsetDateTime processedAt;

    /** Failed rows, oldest first, at most {@code max}. */
    public static List<InboxEvent> failed(int max) {
        return find("state", Sort.ascending("receivedAt"), FAILED).range(0, max - 1).list();
    }

    /** Makes the row due now, whatever its state; false when the inbox has no such event. */
    public static boolean requeue(String id) {
        return getEntityManager().createNativeQuery(
                        "UPDATE billing.stripe_event SET state = 'pending', next_attempt_at = now() WHERE id = ?1")
                .setParameter(1, id).executeUpdate() == 1;
    }

    /**
     * Replaces the payload of every event that mentions a Stripe object id with what the worker needs to process or
     * replay it (the type, the object's id), dropping the rest: names, e-mails and addresses of a deleted user.
     * Reads the whole inbox (it has no index on payloads): deletions are rare.
     */
    public static int redactMentioning(String stripeId) {
        return getEntityManager().createNativeQuery("""
                        UPDATE billing.stripe_event SET payload = jsonb_build_object('id', id, 'object', 'event', 'type', type,
                            'created', created, 'api_version', api_version, 'redacted', 'user_deleted',
                            'data', jsonb_build_object('object', jsonb_build_object('id', payload::jsonb #>> '{data,object,id}')))::text
                        WHERE strpos(payload, ?1) > 0 AND payload::jsonb ->> 'redacted' IS NULL""")
                .setParameter(1, '"' + stripeId + '"').executeUpdate();
    }
}
