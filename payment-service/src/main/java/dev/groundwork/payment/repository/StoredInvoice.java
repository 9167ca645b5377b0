package dev.groundwork.payment.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
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

    /** A user's invoices, newest first, starting after {@code after} (the first page when null), at most {@code rows}. */
    public static List<StoredInvoice> pageOf(UUID userId, StoredInvoice after, int rows) {
        Sort newestFirst = Sort.descending("created", "id");
        if (after == null) {
            return find("userId", newestFirst, userId).range(0, rows - 1).list();
        }
        return find("userId = ?1 and (created < ?2 or (created = ?2 and id < ?3))", newestFirst, userId, after.created, after.id)
                .range(0, rows - 1).list();
    }

    /** The invoice, when it is this user's. */
    public static Optional<StoredInvoice> ofUser(String id, UUID userId) {
        return StoredInvoice.<StoredInvoice>findByIdOptional(id).filter(invoice -> userId.equals(invoice.userId));
    }
}
