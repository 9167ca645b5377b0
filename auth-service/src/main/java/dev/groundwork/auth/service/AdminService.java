package dev.groundwork.auth.service;

import dev.groundwork.auth.error.AuthError;
import dev.groundwork.auth.error.ErrorCode;
import dev.groundwork.auth.events.IdentityEvents;
import dev.groundwork.auth.repository.Session;
import dev.groundwork.auth.repository.User;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GoTrue's admin API: for service-role tokens only (a service account with the {@code admin} scope). */
@ApplicationScoped
@Transactional(dontRollbackOn = AuthError.class)
public class AdminService {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(h|m|s)");

    /** One page of users, oldest first, and how many there are in all ({@code X-Total-Count}). */
    public record UserPage(List<User> users, long total) {
    }

    @Inject
    TokenService tokens;
    @Inject
    PasswordHasher hasher;
    @Inject
    PasswordPolicy policy;
    @Inject
    UserMetadataLimit metadataLimit;
    @Inject
    Audit audit;
    @Inject
    IdentityEvents events;
    @Inject
    AuthService auth;

    /** The admin's id (the client id) when the token is a valid service-role token. */
    public String requireAdmin(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw AuthError.noAuthorization();
        }
        JwtClaims claims = tokens.verify(authorization.substring(7).trim()).orElseThrow(() -> AuthError.badJwt("invalid claims or signature"));
        try {
            if (!"service_role".equals(claims.getClaimValueAsString("role"))) {
                throw new AuthError(403, ErrorCode.NOT_ADMIN, "User not allowed");
            }
            return claims.getSubject();
        } catch (MalformedClaimException e) {
            throw AuthError.badJwt("invalid claims");
        }
    }

    /** GoTrue's paging: {@code page} from 1, at most 1000 users a page. */
    public UserPage list(int page, int perPage) {
        if (page < 1 || perPage < 1 || perPage > 1000) {
            throw AuthError.badRequest(ErrorCode.VALIDATION_FAILED, "page must be at least 1 and per_page between 1 and 1000");
        }
        List<User> users = User.findAll(Sort.by("createdAt").and("id")).page(Page.of(page - 1, perPage)).list();
        return new UserPage(users, User.count());
    }

    /** The user with this id; an id that is not a UUID is as unknown as a missing one. */
    public User get(String id) {
        User user;
        try {
            user = User.findById(UUID.fromString(id));
        } catch (IllegalArgumentException notAUuid) {
            user = null;
        }
        if (user == null) {
            throw new AuthError(404, ErrorCode.USER_NOT_FOUND, "User not found");
        }
        return user;
    }

    public User create(String admin, Map<String, Object> params) {
        String email = AuthService.validEmail((String) params.get("email"));
        if (User.byEmail(email).isPresent()) {
            throw AuthError.emailExists();
        }
        String password = (String) params.get("password");
        OffsetDateTime now = AuthService.now();
        User user = new User();
        user.id = UUID.randomUUID();
        user.email = email;
        if (password != null) {
            policy.check(password, email);
        }
        // Without a password the user can only get in through recovery.
        user.encryptedPassword = hasher.hash(password != null ? password : UUID.randomUUID().toString());
        user.appMetadata = new HashMap<>(Map.of("provider", "email", "providers", List.of("email")));
        apply(user, params, now);
        user.createdAt = now;
        user.updatedAt = now;
        if (Boolean.TRUE.equals(params.get("email_confirm"))) {
            user.emailConfirmedAt = now;
        }
        user.persist();
        audit.record("user_signedup", admin, user.id, null, Map.of("by", "admin"));
        events.userRegistered(user);
        return user;
    }

    public User update(String admin, String id, Map<String, Object> params) {
        User user = get(id);
        OffsetDateTime now = AuthService.now();
        if (params.get("password") instanceof String password) {
            policy.check(password, user.email);
            user.encryptedPassword = hasher.hash(password);
            endSessions(user.id, "password_changed");
        }
        if (Boolean.TRUE.equals(params.get("email_confirm")) && user.emailConfirmedAt == null) {
            user.emailConfirmedAt = now;
        }
        apply(user, params, now);
        user.updatedAt = now;
        audit.record("user_modified", admin, user.id, null, Map.of("by", "admin", "fields", List.copyOf(params.keySet())));
        events.userUpdated(user, List.copyOf(params.keySet()));
        return user;
    }

    public void delete(String admin, String id) {
        User user = get(id);
        endSessions(user.id, "user_deleted");
        user.delete();
        audit.record("user_deleted", admin, user.id, null, Map.of("by", "admin"));
        events.userDeleted(user.id);
    }

    @SuppressWarnings("unchecked")
    private void apply(User user, Map<String, Object> params, OffsetDateTime now) {
        if (params.get("user_metadata") instanceof Map<?, ?> data) {
            metadataLimit.check((Map<String, Object>) data);
            user.userMetadata = new HashMap<>((Map<String, Object>) data);
        }
        if (params.get("app_metadata") instanceof Map<?, ?> data) {
            Map<String, Object> merged = new HashMap<>(user.appMetadata);
            merged.putAll((Map<String, Object>) data);
            user.appMetadata = merged;
        }
        if (params.get("ban_duration") instanceof String ban) {
            if ("none".equals(ban)) {
                user.bannedUntil = null;
            } else {
                user.bannedUntil = now.plus(parseDuration(ban));
                endSessions(user.id, "user_banned");
            }
        }
    }

    /** GoTrue's ban_duration: Go durations such as {@code 24h}, {@code 90m}, {@code 1h30m}. */
    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
            end = m.end();
        }
        if (end != text.length() || total.isZero()) {
            throw AuthError.badRequest(ErrorCode.VALIDATION_FAILED, "invalid format for ban duration: " + text);
        }
        return total;
    }

    private void endSessions(UUID userId, String reason) {
        for (Session session : Session.<Session>list("userId", userId)) {
            auth.endSession(session, reason);
        }
    }
}
