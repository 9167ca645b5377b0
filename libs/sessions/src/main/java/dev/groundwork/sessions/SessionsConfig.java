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

    /**
     * How long a verified bearer token is remembered at most (never past its {@code exp}), so that its signature is
     * not checked again on every request ({@code VerifiedTokens}); 0 turns it off. Bounds how long a token of a
     * signing key removed from auth-service's JWKS is still accepted.
     */
    @WithDefault("60S")
    java.time.Duration verifiedTokenMaxAge();

    /** Verified tokens remembered at most (a few hundred bytes each). */
    @WithDefault("10000")
    long verifiedTokenCacheSize();
}
