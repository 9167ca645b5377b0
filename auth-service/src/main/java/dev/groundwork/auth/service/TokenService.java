package dev.groundwork.auth.service;

import dev.groundwork.auth.config.AuthConfig;
import dev.groundwork.auth.repository.RefreshToken;
import dev.groundwork.auth.repository.Session;
import dev.groundwork.auth.repository.User;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.lang.JoseException;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Access tokens (ES256 JWTs with Supabase's claims) and opaque refresh tokens (stored as SHA-256). */
@ApplicationScoped
public class TokenService {

    public static final String AUDIENCE = "authenticated";

    @Inject
    AuthConfig config;
    @Inject
    SigningKeys keys;

    private final SecureRandom random = new SecureRandom();
    private volatile JwtConsumer consumer;

    public String issuer() {
        String base = config.publicBaseUrl().toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/auth/v1";
    }

    public long lifetimeSeconds() {
        return config.accessTokenLifetime().toSeconds();
    }

    /** A user's access token for one session, with Supabase's claim set. */
    public String accessToken(User user, Session session, Instant issuedAt) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer());
        claims.put("sub", user.id.toString());
        claims.put("aud", AUDIENCE);
        claims.put("exp", issuedAt.getEpochSecond() + lifetimeSeconds());
        claims.put("iat", issuedAt.getEpochSecond());
        claims.put("email", user.email);
        claims.put("phone", "");
        claims.put("app_metadata", user.appMetadata);
        claims.put("user_metadata", user.userMetadata);
        claims.put("role", user.role);
        claims.put("aal", session.aal);
        claims.put("amr", List.of(Map.of("method", session.amrMethod, "timestamp", session.createdAt.toEpochSecond())));
        claims.put("session_id", session.id.toString());
        claims.put("is_anonymous", false);
        return sign(claims);
    }

    /** A service account's token ({@code client_credentials}); scopes become {@code app_metadata.roles}. */
    public String serviceToken(String clientId, List<String> scopes, Instant issuedAt) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer());
        claims.put("sub", clientId);
        claims.put("aud", AUDIENCE);
        claims.put("exp", issuedAt.getEpochSecond() + lifetimeSeconds());
        claims.put("iat", issuedAt.getEpochSecond());
        claims.put("client_id", clientId);
        claims.put("scope", String.join(" ", scopes));
        claims.put("role", scopes.contains("admin") ? "service_role" : "service");
        claims.put("app_metadata", Map.of("roles", scopes));
        return sign(claims);
    }

    private String sign(Map<String, Object> claims) {
        return Jwt.claims(claims).jws().keyId(keys.active().kid()).algorithm(SignatureAlgorithm.ES256)
                .sign(keys.activePrivateKey());
    }

    /** Verifies one of our access tokens: ES256 only, a published key, our issuer and audience, not expired. */
    public Optional<JwtClaims> verify(String token) {
        try {
            return Optional.of(consumer().processToClaims(token));
        } catch (InvalidJwtException e) {
            return Optional.empty();
        }
    }

    private JwtConsumer consumer() {
        if (consumer == null) {
            List<JsonWebKey> published = new ArrayList<>();
            for (SigningKeys.SigningKey key : keys.all()) {
                try {
                    published.add(PublicJsonWebKey.Factory.newPublicJwk(key.jwk().toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)));
                } catch (JoseException e) {
                    throw new IllegalStateException(e);
                }
            }
            consumer = new JwtConsumerBuilder()
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, "ES256")
                    .setVerificationKeyResolver(new JwksVerificationKeyResolver(published))
                    .setExpectedIssuer(issuer())
                    .setExpectedAudience(AUDIENCE)
                    .setRequireExpirationTime()
                    .setRequireIssuedAt()
                    .setRequireSubject()
                    .setAllowedClockSkewInSeconds(0)
                    .build();
        }
        return consumer;
    }

    // ---- refresh tokens ------------------------------------------------------------------------------------

    /** A new opaque refresh token: 32 random bytes, base64url. */
    public String newRefreshToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stores a refresh token of {@code session} (its hash), child of {@code parentHash} or the first one. */
    public RefreshToken store(String token, Session session, String parentHash, OffsetDateTime now) {
        RefreshToken row = new RefreshToken();
        row.tokenHash = sha256(token);
        row.sessionId = session.id;
        row.parentHash = parentHash;
        row.createdAt = now;
        row.persist();
        return row;
    }

    /** Seals {@code successor} with a key that only the holder of {@code token} can derive (AES-GCM). */
    public byte[] sealSuccessor(String token, String successor) {
        try {
            byte[] nonce = new byte[12];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, successorKey(token), new GCMParameterSpec(128, nonce));
            byte[] sealed = cipher.doFinal(successor.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[nonce.length + sealed.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String openSuccessor(String token, byte[] sealed) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, successorKey(token), new GCMParameterSpec(128, sealed, 0, 12));
            return new String(cipher.doFinal(sealed, 12, sealed.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SecretKeySpec successorKey(String token) throws GeneralSecurityException {
        byte[] key = MessageDigest.getInstance("SHA-256").digest(("groundwork.refresh.successor:" + token).getBytes(StandardCharsets.UTF_8));
        return new SecretKeySpec(key, "AES");
    }
}
