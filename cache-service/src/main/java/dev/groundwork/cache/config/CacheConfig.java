package dev.groundwork.cache.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** cache-service settings ({@code cache.*}, env {@code CACHE_*}). */
@ConfigMapping(prefix = "cache")
public interface CacheConfig {

    /** TTL of an entry written without one: Redis is shared, so no cache key lives forever. */
    @WithDefault("PT1H")
    Duration defaultTtl();

    /** The longest TTL a client may ask for. */
    @WithDefault("P1D")
    Duration maxTtl();
}
