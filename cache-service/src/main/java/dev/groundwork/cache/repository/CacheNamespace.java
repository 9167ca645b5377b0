package dev.groundwork.cache.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A namespace: its key prefix is {@code cache:<name>:}; its policy columns are always filled. */
@Entity
@Table(name = "namespaces")
public class CacheNamespace extends PanacheEntityBase {

    @Id
    public String name;
    @Column(name = "default_ttl_seconds")
    public long defaultTtlSeconds;
    @Column(name = "max_ttl_seconds")
    public long maxTtlSeconds;
    @Column(name = "max_value_bytes")
    public long maxValueBytes;
    @Column(name = "max_keys")
    public long maxKeys;
    /** Comma-separated command groups (Redis ACL categories). */
    public String commands;
    @Column(name = "requests_per_second")
    public int requestsPerSecond;
    /** The entries API's stale-while-revalidate window. */
    @Column(name = "stale_seconds")
    public long staleSeconds;
    @Column(name = "lease_ttl_millis")
    public long leaseTtlMillis;
    @Column(name = "lease_wait_millis")
    public long leaseWaitMillis;
    /** What user tokens may do with the namespace's entries: none, read, read-write. */
    @Column(name = "user_access")
    public String userAccess;
    /** Declared in configuration (created or updated at every start). */
    public boolean declared;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
