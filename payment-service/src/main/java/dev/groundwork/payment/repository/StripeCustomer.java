package dev.groundwork.payment.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/** A user's Stripe customer. */
@Entity
@Table(name = "customer")
public class StripeCustomer extends PanacheEntityBase {

    @Id
    @Column(name = "user_id")
    public UUID userId;

    @Column(name = "stripe_customer_id")
    public String stripeCustomerId;

    public String email;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    public static Optional<StripeCustomer> byCustomerId(String stripeCustomerId) {
        return find("stripeCustomerId", stripeCustomerId).firstResultOptional();
    }
}
