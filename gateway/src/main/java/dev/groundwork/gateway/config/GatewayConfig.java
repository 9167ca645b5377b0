package dev.groundwork.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;

/** gateway settings ({@code gateway.*}, env {@code GATEWAY_*}). */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** Base URLs of the services behind the gateway; locally their own ports, in Kubernetes their Services. */
    Upstreams upstreams();

    interface Upstreams {
        /** auth-service ({@code GATEWAY_UPSTREAMS_AUTH}). */
        @WithDefault("http://127.0.0.1:8081")
        URI auth();

        /** payment-service ({@code GATEWAY_UPSTREAMS_PAYMENT}). */
        @WithDefault("http://127.0.0.1:8082")
        URI payment();

        /** cache-service ({@code GATEWAY_UPSTREAMS_CACHE}). */
        @WithDefault("http://127.0.0.1:8083")
        URI cache();

        /** monitoring-service ({@code GATEWAY_UPSTREAMS_MONITORING}). */
        @WithDefault("http://127.0.0.1:8084")
        URI monitoring();
    }
}
