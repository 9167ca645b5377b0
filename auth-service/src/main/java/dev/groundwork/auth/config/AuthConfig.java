package dev.groundwork.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** auth-service settings ({@code auth.*}, env {@code AUTH_*}). */
@ConfigMapping(prefix = "auth")
public interface AuthConfig {

    /** The URL clients reach the gateway at; tokens are issued by {@code <public-base-url>/auth/v1}. */
    @WithDefault("http://localhost:8080")
    URI publicBaseUrl();

    /** Where local runs keep state that must survive a restart, such as a generated signing key. */
    @WithDefault(".groundwork/auth")
    Path dataDir();

    /**
     * The signing keys, a JWK set (EC P-256 private keys with {@code kid}); each key has a {@code status} of
     * {@code active} (exactly one: signs), {@code upcoming} (published, not used yet) or {@code retired}
     * (published until the tokens it signed expire). From the Secret {@code AUTH_SIGNING_KEYS}.
     */
    Optional<String> signingKeys();

    /** Without signing keys, generate one and keep it under the data directory (local runs only). */
    @WithDefault("false")
    boolean generateLocalKeys();

    /**
     * Peers whose {@code X-Forwarded-For} is believed (the gateway): IP addresses or CIDR ranges. Quarkus's own
     * trusted-proxy check is not used: measured here, it stalled one request in ~150 for 5 s (a name lookup).
     */
    @WithDefault("127.0.0.1,::1")
    List<String> trustedProxies();

    /** Lifetime of access tokens. */
    @WithDefault("15M")
    Duration accessTokenLifetime();

    /**
     * Largest {@code user_metadata} a user or an admin may set, in bytes of its JSON: it is copied into every access
     * token, which every request carries.
     */
    @WithDefault("16384")
    int userMetadataMaxBytes();

    Sessions sessions();

    Passwords passwords();

    Email email();

    Throttle throttle();

    /** Service accounts for {@code client_credentials}, by client id. */
    Map<String, Client> clients();

    BootstrapAdmin bootstrapAdmin();

    interface Sessions {
        /** A replay of the parent of the current refresh token within this window gets the current token back. */
        @WithDefault("10S")
        Duration refreshReuseInterval();

        /** A session not refreshed for this long ends. */
        @WithDefault("14D")
        Duration idleTimeout();

        /** A session ends this long after sign-in, refreshed or not. */
        @WithDefault("60D")
        Duration lifetime();
    }

    interface Passwords {
        /** Shortest password accepted. */
        @WithDefault("8")
        int minLength();

        /** Argon2id memory in KiB (OWASP: 19456). */
        @WithDefault("19456")
        int argon2MemoryKib();

        /** Argon2id iterations (OWASP: 2). */
        @WithDefault("2")
        int argon2Iterations();

        /** Argon2id parallelism (OWASP: 1). */
        @WithDefault("1")
        int argon2Parallelism();

        /** Hashes computed at once; each takes argon2-memory-kib of memory and one core. */
        @WithDefault("2")
        int maxConcurrentHashes();
    }

    interface Email {
        /** Whether a new user must confirm the e-mail address before signing in. */
        @WithDefault("true")
        boolean confirmSignup();

        /** Sender of confirmation and recovery e-mails. */
        @WithDefault("Groundwork <no-reply@localhost>")
        String from();

        /** Where links in e-mails point to when the request names no redirect (your app). */
        @WithDefault("http://localhost:3000")
        URI siteUrl();

        /** How long a confirmation link is valid. */
        @WithDefault("24H")
        Duration confirmationValidity();

        /** How long a recovery link is valid. */
        @WithDefault("1H")
        Duration recoveryValidity();

        /**
         * Shortest time between two mails of one kind (recovery, e-mail change) to one address, as GoTrue's {@code
         * GOTRUE_SMTP_MAX_FREQUENCY}; a request within it answers 429 {@code over_email_send_rate_limit}. 0: no limit.
         */
        @WithDefault("60S")
        Duration maxFrequency();
    }

    interface Throttle {
        /** Failed sign-ins of one account before it is slowed down. */
        @WithDefault("5")
        int accountFreeFailures();

        /** The first wait after those; it doubles with each further failure. */
        @WithDefault("2S")
        Duration accountBaseDelay();

        /** The longest wait for one account. */
        @WithDefault("15M")
        Duration accountMaxDelay();

        /** Token bucket per client IP for sign-in and refresh: burst size. */
        @WithDefault("30")
        int ipBurst();

        /** Token bucket per client IP: tokens added per minute. */
        @WithDefault("30")
        int ipPerMinute();
    }

    interface Client {
        /**
         * SHA-256 of the client secret, hex ({@code printf %s "$secret" | sha256sum}). Client secrets are long
         * random strings, so a fast hash suffices; they are never stored or configured in clear.
         */
        String secretSha256();

        /** Scopes the client may ask for; {@code admin} makes its tokens service-role tokens. */
        List<String> scopes();
    }

    /** The first admin user, made sure of at every start when both settings are set (neither: nothing happens). */
    interface BootstrapAdmin {
        /** Its e-mail ({@code AUTH_BOOTSTRAP_ADMIN_EMAIL}): created if absent, given the {@code admin} role if not. */
        Optional<String> email();

        /** Its password ({@code AUTH_BOOTSTRAP_ADMIN_PASSWORD}, from a Secret): set when the user is created; never changes an existing admin's. */
        Optional<String> password();

        /**
         * Whether an existing admin's password is set back to the configured one at start ({@code
         * AUTH_BOOTSTRAP_ADMIN_RESET_PASSWORD}): on in local runs, so that the password {@code ./groundwork up}
         * prints always signs in (also on a database an earlier checkout filled); off in production.
         */
        @WithDefault("false")
        boolean resetPassword();
    }
}
