package dev.groundwork.auth.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

@Entity
@Table(name = "refresh_tokens")
public class RefreshToken extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "token_hash")
    public String tokenHash;
    @Column(name = "session_id")
    public UUID sessionId;
    @Column(name = "parent_hash")
    public String parentHash;
    public boolean revoked;
    /** The token that replaced this one, sealed with a key derived from this one (see TokenService). */
    public byte[] successor;
    @Column(name = "created_at")
    public OffsetDateTime createdAt;
    @Column(name = "revoked_at")
    public OffsetDateTime revokedAt;

    /** Locked for the rest of the transaction, so two refreshes of one token are serialised. */
    public static Optional<RefreshToken> lockByHash(String hash) {
        return find("tokenHash", hash).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }
}
