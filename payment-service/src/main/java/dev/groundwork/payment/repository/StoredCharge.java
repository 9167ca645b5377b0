package dev.groundwork.payment.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A charge as Stripe's API last showed it: refunds and disputes land here. */
@Entity
@Table(name = "charge")
public class StoredCharge extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "stripe_customer_id")
    public String stripeCustomerId;

    @Column(name = "user_id")
    public UUID userId;

    public long amount;

    @Column(name = "amount_refunded")
    public long amountRefunded;

    public String currency;

    public String status;

    public boolean refunded;

    public boolean disputed;

    @Column(name = "synced_at")
    public OffsetDateTime syncedAt;
}
