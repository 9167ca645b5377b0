package dev.groundwork.auth.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

@Entity
@Table(name = "sessions")
public class Session extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "user_id")
    public UUID userId;
    public String aal = "aal1";
    @Column(name = "amr_method")
    public String amrMethod;
    @Column(name = "created_at")
    public OffsetDateTime createdAt;
    @Column(name = "refreshed_at")
    public OffsetDateTime refreshedAt;
    @Column(name = "not_after")
    public OffsetDateTime notAfter;
    @Column(name = "user_agent")
    public String userAgent;
    public String ip;
}
