package dev.groundwork.payment.service;

import jakarta.persistence.EntityManager;

/** Postgres advisory locks held until the current transaction ends: serialise work on one key across replicas. */
final class TransactionLocks {

    private TransactionLocks() {
    }

    static void hold(EntityManager entityManager, String key) {
        entityManager.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(?1))").setParameter(1, key).getSingleResult();
    }
}
