package dev.groundwork.auth.service;

import dev.groundwork.auth.repository.AuditEntry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/** The audit log: one row per security-relevant action, in the transaction of the action. */
@ApplicationScoped
public class Audit {

    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String action, String actorId, UUID userId, String ip, Map<String, Object> payload) {
        AuditEntry entry = new AuditEntry();
        entry.createdAt = OffsetDateTime.now();
        entry.action = action;
        entry.actorId = actorId;
        entry.userId = userId;
        entry.ip = ip;
        entry.payload = payload;
        entry.persist();
    }
}
