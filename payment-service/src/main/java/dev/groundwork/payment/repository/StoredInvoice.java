package dev.groundwork.payment.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/** An invoice as Stripe's API last showed it. */
@Entity
@Table(name = "invoice")
public class StoredInvoice extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "stripe_customer_id")
    public String stripeCustomerId;

    @Column(name = "user_id")
    public UUID userId;

    @Column(name = "subscription_id")
    public String subscriptionId;

    public String number;

    public String status;

    @Column(name = "amount_due")
    public long amountDue;

    @Column(name = "amount_paid")
    public long amountPaid;

    public String currency;

    @Column(name = "hosted_invoice_url")
    public String hostedInvoiceUrl;

    public OffsetDateTime created;

    @Column(name = "synced_at")
    public OffsetDateTime syncedAt;
}
