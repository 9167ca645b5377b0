package dev.groundwork.monitoring.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;

/** monitoring-service settings ({@code monitoring.*}, env {@code MONITORING_*}). */
@ConfigMapping(prefix = "monitoring")
public interface MonitoringConfig {

    /** The URL SDKs reach the gateway at; DSNs are built from it. */
    @WithDefault("http://localhost:8080")
    URI publicBaseUrl();

    /** How long error events are kept before they are deleted. */
    @WithDefault("P90D")
    Duration retention();
}
