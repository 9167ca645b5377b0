package dev.groundwork.payment.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A subscription as Stripe's API last showed it. */
@Entity
@Table(name = "subscription")
public class StoredSubscription extends PanacheEntityBase {

    /** Statuses in which a subscription still gives its plan, in the order a user's current one is chosen. */
    public static final List<String> LIVE = List.of("active", "trialing", "past_due");

    @Id
    public String id;

    @Column(name = "stripe_customer_id")
    public String stripeCustomerId;

    @Column(name = "user_id")
    public UUID userId;

    public String status;

    @Column(name = "price_id")
    public String priceId;

    public String plan;

    @Column(name = "current_period_end")
    public OffsetDateTime currentPeriodEnd;

    @Column(name = "cancel_at_period_end")
    public boolean cancelAtPeriodEnd;

    @Column(name = "synced_at")
    public OffsetDateTime syncedAt;

    /** The user's current subscription: a live one if any (newest period first), else the latest ended one. */
    public static Optional<StoredSubscription> currentOf(UUID userId) {
        List<StoredSubscription> all = list("userId", userId);
        return all.stream().min((a, b) -> {
            int live = Integer.compare(rank(a.status), rank(b.status));
            if (live != 0) {
                return live;
            }
            return compareDesc(a.currentPeriodEnd, b.currentPeriodEnd);
        });
    }

    public static List<StoredSubscription> live() {
        return list("status in ?1", LIVE);
    }

    private static int rank(String status) {
        int index = LIVE.indexOf(status);
        return index < 0 ? LIVE.size() : index;
    }

    private static int compareDesc(OffsetDateTime a, OffsetDateTime b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : 1) : -1;
        }
        return b.compareTo(a);
    }
}
