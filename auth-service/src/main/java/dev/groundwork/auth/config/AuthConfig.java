package dev.groundwork.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.nio.file.Path;

/** auth-service settings ({@code auth.*}, env {@code AUTH_*}). */
@ConfigMapping(prefix = "auth")
public interface AuthConfig {

    /** The URL clients reach the gateway at; tokens are issued by {@code <public-base-url>/auth/v1}. */
    @WithDefault("http://localhost:8080")
    URI publicBaseUrl();

    /** Where local runs keep state that must survive a restart, such as a generated signing key. */
    @WithDefault(".groundwork/auth")
    Path dataDir();
}
