package dev.groundwork.sessions;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Ended sessions ({@code groundwork.sessions.*}, env {@code GROUNDWORK_SESSIONS_*}). */
@ConfigMapping(prefix = "groundwork.sessions")
public interface SessionsConfig {

    /**
     * How long a service trusts what it last learned of a session before it asks Redis again: the bound within
     * which every service refuses the access tokens of a session auth-service has ended.
     */
    @WithDefault("5S")
    Duration checkInterval();

    /** Sessions remembered per service between checks (least recently used go first). */
    @WithDefault("100000")
    long cacheSize();
}
