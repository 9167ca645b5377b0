package dev.groundwork.payment.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

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
}
