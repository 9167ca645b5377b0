package dev.groundwork.payment.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A user auth-service deleted: no customer is created for them again. */
@Entity
@Table(name = "deleted_user")
public class DeletedUser extends PanacheEntityBase {

    @Id
    @Column(name = "user_id")
    public UUID userId;

    @Column(name = "deleted_at")
    public OffsetDateTime deletedAt;

    public static boolean isDeleted(UUID userId) {
        return findById(userId) != null;
    }
}
