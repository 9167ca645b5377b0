package dev.groundwork.payment.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.List;

/** A price seen on a Stripe object that no plan of the catalogue lists: kept, counted and reported. */
@Entity
@Table(name = "unknown_price")
public class UnknownPrice extends PanacheEntityBase {

    @Id
    @Column(name = "price_id")
    public String priceId;

    @Column(name = "first_seen")
    public OffsetDateTime firstSeen;

    @Column(name = "last_seen")
    public OffsetDateTime lastSeen;

    public long seen;

    /** Counts a sighting; concurrent workers add up instead of overwriting each other. */
    public static void sighted(String priceId) {
        getEntityManager().createNativeQuery("""
                INSERT INTO billing.unknown_price AS u (price_id) VALUES (?1)
                ON CONFLICT (price_id) DO UPDATE SET last_seen = now(), seen = u.seen + 1""")
                .setParameter(1, priceId).executeUpdate();
    }

    /** The most recently seen, newest first. */
    public static List<UnknownPrice> latest(int max) {
        return findAll(Sort.descending("lastSeen")).range(0, max - 1).list();
    }
}
