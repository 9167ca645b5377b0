package dev.groundwork.cache.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A token of a namespace: only its SHA-256 hash is kept. */
@Entity
@Table(name = "tokens")
public class NamespaceToken extends PanacheEntityBase {

    public static final String READ_WRITE = "read-write";
    public static final String READ_ONLY = "read-only";
    public static final String FROM_CONFIG = "config";
    public static final String FROM_ADMIN = "admin";

    @Id
    public UUID id;
    public String namespace;
    @Column(name = "token_hash")
    public String tokenHash;
    public String access;
    public String label;
    public String origin;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "revoked_at")
    public Instant revokedAt;

    public static List<NamespaceToken> active() {
        return list("revokedAt is null");
    }

    public static List<NamespaceToken> of(String namespace) {
        return list("namespace = ?1 order by createdAt", namespace);
    }

    public static NamespaceToken byHash(String hash) {
        return find("tokenHash", hash).firstResult();
    }
}
