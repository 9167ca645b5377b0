package dev.groundwork.auth.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

@Entity
@Table(name = "users")
public class User extends PanacheEntityBase {

    @Id
    public UUID id;
    public String aud = "authenticated";
    public String role = "authenticated";
    public String email;
    @Column(name = "encrypted_password")
    public String encryptedPassword;
    @Column(name = "email_confirmed_at")
    public OffsetDateTime emailConfirmedAt;
    @Column(name = "confirmation_sent_at")
    public OffsetDateTime confirmationSentAt;
    @Column(name = "recovery_sent_at")
    public OffsetDateTime recoverySentAt;
    /** A new address waiting for its confirmation. */
    @Column(name = "email_change")
    public String emailChange;
    @Column(name = "email_change_sent_at")
    public OffsetDateTime emailChangeSentAt;
    @Column(name = "last_sign_in_at")
    public OffsetDateTime lastSignInAt;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "raw_app_meta_data")
    public Map<String, Object> appMetadata = new HashMap<>();
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "raw_user_meta_data")
    public Map<String, Object> userMetadata = new HashMap<>();
    @Column(name = "banned_until")
    public OffsetDateTime bannedUntil;
    @Column(name = "failed_sign_ins")
    public int failedSignIns;
    @Column(name = "last_failed_sign_in")
    public OffsetDateTime lastFailedSignIn;
    @Column(name = "created_at")
    public OffsetDateTime createdAt;
    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    public static Optional<User> byEmail(String email) {
        return find("lower(email) = lower(?1)", email).firstResultOptional();
    }

    public boolean banned(OffsetDateTime now) {
        return bannedUntil != null && bannedUntil.isAfter(now);
    }
}
