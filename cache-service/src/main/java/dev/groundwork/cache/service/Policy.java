package dev.groundwork.cache.service;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.Set;

/**
 * What a namespace may do; the REST APIs enforce it on every request. The first six bound the Upstash API; the rest
 * are the entries API's: its stale-while-revalidate window, how long a lease lives and how long a miss waits for
 * another caller's fill, and what user tokens may do ({@link UserAccess}).
 */
@RegisterForReflection
public record Policy(long defaultTtlSeconds, long maxTtlSeconds, long maxValueBytes, long maxKeys,
                     Set<String> commands, int requestsPerSecond,
                     long staleSeconds, long leaseTtlMillis, long leaseWaitMillis, String userAccess) {
}
