package dev.groundwork.auth.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/** One security-relevant action: sign-up, sign-in, failure, refresh reuse, logout, admin change. */
@Entity
@Table(name = "audit_log")
public class AuditEntry extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "created_at")
    public OffsetDateTime createdAt;
    public String action;
    @Column(name = "actor_id")
    public String actorId;
    @Column(name = "user_id")
    public UUID userId;
    public String ip;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> payload;
}
