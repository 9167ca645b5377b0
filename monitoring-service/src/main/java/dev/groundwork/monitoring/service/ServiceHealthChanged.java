package dev.groundwork.monitoring.service;

import java.time.Instant;

/**
 * A fleet service's readiness changed (fleet health): fired as a CDI event once the transition is committed, so that
 * alert rules on "service down" can react. {@code status} and {@code previous} are {@code up}, {@code down} or
 * {@code unknown}; {@code detail} says why (an HTTP status or a connection error), never a credential.
 */
public record ServiceHealthChanged(String service, String status, String previous, Instant at, String detail) {

    public static final String UP = "up";
    public static final String DOWN = "down";
    public static final String UNKNOWN = "unknown";
}
