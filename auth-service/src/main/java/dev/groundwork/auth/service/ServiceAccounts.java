package dev.groundwork.auth.service;

import dev.groundwork.auth.config.AuthConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Service accounts from config: {@code client_credentials} clients with their scopes, secrets as SHA-256. */
@ApplicationScoped
public class ServiceAccounts {

    public record Client(String id, List<String> scopes) {
    }

    @Inject
    AuthConfig config;

    /** The client when the secret is right; the comparison takes the same time either way. */
    public Optional<Client> authenticate(String clientId, String secret) {
        if (clientId == null || secret == null) {
            return Optional.empty();
        }
        AuthConfig.Client client = config.clients().get(clientId);
        byte[] expected = client == null ? new byte[32] : HexFormat.of().parseHex(client.secretSha256().trim().toLowerCase());
        byte[] actual = HexFormat.of().parseHex(TokenService.sha256(secret));
        boolean matches = MessageDigest.isEqual(expected, actual);
        return matches && client != null ? Optional.of(new Client(clientId, client.scopes())) : Optional.empty();
    }

}
