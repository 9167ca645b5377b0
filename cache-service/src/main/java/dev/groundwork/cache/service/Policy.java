package dev.groundwork.cache.service;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.Set;

/** What a namespace may do; the REST API enforces it on every command. */
@RegisterForReflection
public record Policy(long defaultTtlSeconds, long maxTtlSeconds, long maxValueBytes, long maxKeys,
                     Set<String> commands, int requestsPerSecond) {
}
