package dev.groundwork.auth.service;

import dev.groundwork.auth.config.AuthConfig;
import dev.groundwork.auth.error.AuthError;
import dev.groundwork.auth.error.ErrorCode;
import dev.groundwork.auth.events.IdentityEvents;
import dev.groundwork.auth.repository.OneTimeToken;
import dev.groundwork.auth.repository.RefreshToken;
import dev.groundwork.auth.repository.Session;
import dev.groundwork.auth.repository.User;
import dev.groundwork.sessions.RevokedSessions;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.context.api.ManagedExecutorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.context.ThreadContext;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Users and sessions: sign-up, confirmation, sign-in, refresh with rotation and reuse detection, sign-out,
 * recovery. Errors are {@link AuthError}s with GoTrue's codes; they do not roll back what must stay (a failed
 * sign-in is counted, a reused refresh token revokes its session).
 */
@ApplicationScoped
@Transactional(dontRollbackOn = AuthError.class)
public class AuthService {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}$");

    /** Who is asking: for the audit log, the per-IP throttle and the session row. */
    public record Caller(String ip, String userAgent) {
    }

    /** A signed-in user's session: what {@code /token} answers. */
    public record IssuedSession(String accessToken, String refreshToken, long expiresIn, long expiresAt, User user) {
        public Map<String, Object> json() {
            return AuthJson.session(accessToken, expiresIn, expiresAt, refreshToken, user);
        }
    }

    /** The verified bearer of an access token. */
    public record Bearer(User user, Session session, JwtClaims claims) {
    }

    @Inject
    AuthConfig config;
    @Inject
    PasswordHasher hasher;
    @Inject
    PasswordPolicy policy;
    @Inject
    TokenService tokens;
    @Inject
    SignInThrottle throttle;
    @Inject
    Audit audit;
    @Inject
    IdentityEvents events;
    @Inject
    AuthMail mail;
    @Inject
    MailFrequency mailFrequency;
    @Inject
    UserMetadataLimit metadataLimit;
    /** Work done after the answer (the recovery mail), in its own transaction: nothing of the request's travels along. */
    @Inject
    @ManagedExecutorConfig(propagated = {}, cleared = ThreadContext.ALL_REMAINING)
    ManagedExecutor afterAnswer;
    @Inject
    RevokedSessions endedSessions;
    @Inject
    TransactionSynchronizationRegistry transactions;

    // ---- sign-up and confirmation ----------------------------------------------------------------------------

    /** Returns a session (no confirmation needed) or the user's JSON (a confirmation e-mail went out). */
    public Map<String, Object> signUp(String email, String password, Map<String, Object> data, String redirectTo, Caller caller) {
        String address = validEmail(email);
        if (password == null || password.isEmpty()) {
            throw new AuthError(422, ErrorCode.VALIDATION_FAILED, "Signup requires a valid password");
        }
        policy.check(password, address);
        if (data != null) {
            metadataLimit.check(data);
        }
        OffsetDateTime now = now();
        Optional<User> existing = User.byEmail(address);
        if (existing.isPresent()) {
            if (config.email().confirmSignup() && existing.get().emailConfirmedAt != null) {
                // GoTrue's answer with confirmations on: the same shape, no identities, nothing sent, nothing stored.
                audit.record("user_repeated_signup", null, existing.get().id, caller.ip(), Map.of());
                return AuthJson.obfuscatedUser(address, data == null ? Map.of() : data, now);
            }
            throw new AuthError(422, ErrorCode.USER_ALREADY_EXISTS, "User already registered");
        }
        User user = new User();
        user.id = UUID.randomUUID();
        user.email = address;
        user.encryptedPassword = hasher.hash(password);
        user.userMetadata = data == null ? new HashMap<>() : new HashMap<>(data);
        user.appMetadata = new HashMap<>(Map.of("provider", "email", "providers", List.of("email")));
        user.createdAt = now;
        user.updatedAt = now;
        if (!config.email().confirmSignup()) {
            user.emailConfirmedAt = now;
        }
        user.persist();
        audit.record("user_signedup", user.id.toString(), user.id, caller.ip(), Map.of("provider", "email"));
        events.userRegistered(user);
        if (config.email().confirmSignup()) {
            user.confirmationSentAt = now;
            mail.confirmation(user, newOneTimeToken(user, "signup", now), redirectTo);
            return AuthJson.user(user);
        }
        return startSession(user, "password", caller, now).json();
    }

    /** Confirms a sign-up or completes a recovery with an e-mailed token; answers a session. */
    public IssuedSession verify(String type, String token, Caller caller) {
        if (!"signup".equals(type) && !"recovery".equals(type) && !"email".equals(type) && !"email_change".equals(type)) {
            throw AuthError.badRequest(ErrorCode.VALIDATION_FAILED, "Verify requires a verification type");
        }
        String tokenType = "email".equals(type) ? "signup" : type;
        OffsetDateTime now = now();
        OneTimeToken stored = token == null ? null : OneTimeToken.findById(TokenService.sha256(token));
        if (stored == null || !stored.type.equals(tokenType) || stored.expiresAt.isBefore(now)) {
            throw new AuthError(403, ErrorCode.OTP_EXPIRED, "Email link is invalid or has expired");
        }
        stored.delete();
        User user = User.findById(stored.userId);
        if ("email_change".equals(tokenType)) {
            if (user.emailChange == null || User.byEmail(user.emailChange).isPresent()) {
                throw AuthError.emailExists();
            }
            user.email = user.emailChange;
            user.emailChange = null;
            user.emailChangeSentAt = null;
            events.userUpdated(user, List.of("email"));
        }
        if (user.emailConfirmedAt == null || "email_change".equals(tokenType)) {
            user.emailConfirmedAt = now;
        }
        user.updatedAt = now;
        audit.record(switch (tokenType) {
            case "signup" -> "user_confirmation_requested";
            case "email_change" -> "user_email_changed";
            default -> "user_recovery_requested";
        }, user.id.toString(), user.id, caller.ip(), Map.of());
        return startSession(user, "otp", caller, now);
    }

    /**
     * Sends a recovery e-mail when the address is known. The answer is the same either way, and so is the work
     * before it: the address is checked and its mail window claimed (known or not, so that the 429 of a second request
     * tells nothing either), then the answer goes out; looking the user up, the token and the mail happen after it.
     * A mail that cannot be sent is logged; its window is kept, as for an unknown address, so that a second request
     * tells nothing either.
     */
    public void recover(String email, String redirectTo, Caller caller) {
        String address = validEmail(email);
        mailFrequency.claim("recovery", address);
        afterAnswer.execute(() -> {
            try {
                // The token is committed before its link leaves: a link is never ahead of its token.
                RecoveryLink link = QuarkusTransaction.requiringNew().call(() -> recoveryLink(address, caller));
                if (link != null) {
                    mail.recovery(link.user(), link.token(), redirectTo);
                }
            } catch (AuthError notSent) {
                // AuthMail has logged it, without the address or the link.
            } catch (RuntimeException e) {
                Log.errorf(e, "A recovery request could not be completed");
            }
        });
    }

    private record RecoveryLink(User user, String token) {
    }

    private RecoveryLink recoveryLink(String address, Caller caller) {
        OffsetDateTime now = now();
        return User.byEmail(address).map(user -> {
            user.recoverySentAt = now;
            audit.record("user_recovery_requested", null, user.id, caller.ip(), Map.of());
            return new RecoveryLink(user, newOneTimeToken(user, "recovery", now));
        }).orElse(null);
    }

    // ---- sign-in, refresh, sign-out --------------------------------------------------------------------------

    public IssuedSession passwordGrant(String email, String password, Caller caller) {
        if (email == null || email.isBlank() || password == null) {
            throw AuthError.badRequest(ErrorCode.VALIDATION_FAILED, "missing email or phone");
        }
        throttle.checkIp(caller.ip());
        OffsetDateTime now = now();
        Optional<User> found = User.byEmail(email.trim());
        if (found.isPresent()) {
            throttle.checkAccount(found.get(), now);
        }
        // Unknown users are checked against a dummy hash: the same answer in the same time.
        boolean matches = hasher.verify(password, found.map(u -> u.encryptedPassword).orElse(null));
        if (!matches) {
            throttle.failedFromIp(caller.ip());
            found.ifPresent(user -> {
                user.failedSignIns++;
                user.lastFailedSignIn = now;
                audit.record("login_failed", null, user.id, caller.ip(), Map.of("failures", user.failedSignIns));
                Log.debugf("Failed sign-in for user %s from %s (%d in a row)", user.id, caller.ip(), user.failedSignIns);
            });
            throw AuthError.invalidCredentials();
        }
        User user = found.get();
        if (user.banned(now)) {
            throw AuthError.badRequest(ErrorCode.USER_BANNED, "User is banned");
        }
        if (user.emailConfirmedAt == null) {
            throw AuthError.badRequest(ErrorCode.EMAIL_NOT_CONFIRMED, "Email not confirmed");
        }
        user.failedSignIns = 0;
        user.lastFailedSignIn = null;
        if (hasher.needsRehash(user.encryptedPassword)) {
            user.encryptedPassword = hasher.hash(password);
        }
        audit.record("login", user.id.toString(), user.id, caller.ip(), Map.of("provider", "email"));
        return startSession(user, "password", caller, now);
    }

    /**
     * Rotates a refresh token. The parent of the current token, replayed within the reuse interval (a second tab
     * refreshing at the same moment), gets the current token back; any other reuse ends the whole session.
     */
    public IssuedSession refreshGrant(String refreshToken, Caller caller) {
        if (refreshToken == null || refreshToken.isBlank()) {
            throw AuthError.badRequest(ErrorCode.VALIDATION_FAILED, "refresh_token required");
        }
        throttle.checkIp(caller.ip());
        OffsetDateTime now = now();
        // A refresh waits at most 3 s for a concurrent one on the same token; beyond that it is a 500, which
        // auth-js retries (a 4xx would make it drop the session).
        User.getEntityManager().createNativeQuery("SET LOCAL lock_timeout = '3s'").executeUpdate();
        RefreshToken token = RefreshToken.lockByHash(TokenService.sha256(refreshToken)).orElse(null);
        if (token == null) {
            throttle.failedFromIp(caller.ip());
            throw AuthError.badRequest(ErrorCode.REFRESH_TOKEN_NOT_FOUND, "Invalid Refresh Token: Refresh Token Not Found");
        }
        Session session = Session.findById(token.sessionId);
        User user = User.findById(session.userId);
        if (user.banned(now)) {
            throw AuthError.badRequest(ErrorCode.USER_BANNED, "Invalid Refresh Token: User Banned");
        }
        if (session.notAfter.isBefore(now) || session.refreshedAt.plus(config.sessions().idleTimeout()).isBefore(now)) {
            endSession(session, "expired");
            throw AuthError.badRequest(ErrorCode.SESSION_EXPIRED, "Invalid Refresh Token: Session Expired");
        }
        if (token.revoked) {
            RefreshToken current = RefreshToken.find("sessionId = ?1 and revoked = false", session.id).firstResult();
            boolean withinGrace = token.revokedAt.plus(config.sessions().refreshReuseInterval()).isAfter(now);
            if (current != null && token.tokenHash.equals(current.parentHash) && withinGrace && token.successor != null) {
                return issue(user, session, tokens.openSuccessor(refreshToken, token.successor), now);
            }
            audit.record("token_revoked", null, user.id, caller.ip(), Map.of("reason", "refresh_token_reused", "session_id", session.id.toString()));
            endSession(session, "refresh_token_reused");
            throw AuthError.badRequest(ErrorCode.REFRESH_TOKEN_ALREADY_USED, "Invalid Refresh Token: Already Used");
        }
        String next = tokens.newRefreshToken();
        token.revoked = true;
        token.revokedAt = now;
        token.successor = tokens.sealSuccessor(refreshToken, next);
        tokens.store(next, session, token.tokenHash, now);
        session.refreshedAt = now;
        audit.record("token_refreshed", user.id.toString(), user.id, caller.ip(), Map.of("session_id", session.id.toString()));
        return issue(user, session, next, now);
    }

    /** Ends the bearer's session ({@code local}), all the user's sessions ({@code global}) or all others. */
    public void logout(Bearer bearer, String scope, Caller caller) {
        List<Session> ending = switch (scope == null ? "global" : scope) {
            case "global" -> Session.list("userId", bearer.user().id);
            case "local" -> List.of((Session) Session.findById(bearer.session().id));
            case "others" -> Session.list("userId = ?1 and id <> ?2", bearer.user().id, bearer.session().id);
            default -> throw AuthError.badRequest(ErrorCode.VALIDATION_FAILED, "Unsupported logout scope \"" + scope + "\"");
        };
        audit.record("logout", bearer.user().id.toString(), bearer.user().id, caller.ip(), Map.of("scope", scope == null ? "global" : scope));
        for (Session session : ending) {
            endSession(session, "logout");
        }
    }

    // ---- the user --------------------------------------------------------------------------------------------

    /** The user and session of a valid access token, or 401/403 as GoTrue answers. */
    public Bearer bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw AuthError.noAuthorization();
        }
        JwtClaims claims = tokens.verify(authorization.substring(7).trim())
                .orElseThrow(() -> AuthError.badJwt("invalid claims or signature"));
        try {
            Object sessionId = claims.getClaimValue("session_id");
            User user = User.findById(UUID.fromString(claims.getSubject()));
            if (sessionId == null || user == null) {
                throw new AuthError(403, ErrorCode.USER_NOT_FOUND, "User from sub claim in JWT does not exist");
            }
            Session session = Session.findById(UUID.fromString(sessionId.toString()));
            if (session == null) {
                throw new AuthError(403, ErrorCode.SESSION_NOT_FOUND, "Session from session_id claim in JWT does not exist");
            }
            return new Bearer(user, session, claims);
        } catch (MalformedClaimException | IllegalArgumentException e) {
            throw AuthError.badJwt("invalid claims");
        }
    }

    /**
     * Updates the e-mail address (confirmed by a link to the new one, unless confirmations are off), the password
     * (ending the user's other sessions) and/or the metadata.
     */
    public User updateUser(Bearer bearer, String email, String password, Map<String, Object> data, String redirectTo, Caller caller) {
        // The bearer was read in its own transaction: work on this transaction's copy.
        User user = User.findById(bearer.user().id);
        OffsetDateTime now = now();
        List<String> changed = new java.util.ArrayList<>();
        // Checked before anything changes: an AuthError does not roll the transaction back.
        Map<String, Object> metadata = data == null ? null : mergedMetadata(user.userMetadata, data);
        if (metadata != null) {
            metadataLimit.check(metadata);
        }
        if (email != null && !email.trim().equalsIgnoreCase(user.email)) {
            String address = validEmail(email);
            if (User.byEmail(address).isPresent()) {
                throw AuthError.emailExists();
            }
            if (config.email().confirmSignup()) {
                // GoTrue limits e-mail change mails per user, whichever the new address.
                mailFrequency.claim("email_change", user.id.toString());
                user.emailChange = address;
                user.emailChangeSentAt = now;
                try {
                    mail.emailChange(user, newOneTimeToken(user, "email_change", now), redirectTo);
                } catch (AuthError notSent) {
                    mailFrequency.release("email_change", user.id.toString());
                    throw notSent;
                }
            } else {
                user.email = address;
                changed.add("email");
            }
        }
        if (password != null) {
            policy.check(password, user.email);
            if (hasher.verify(password, user.encryptedPassword)) {
                throw new AuthError(422, ErrorCode.SAME_PASSWORD, "New password should be different from the old password.");
            }
            user.encryptedPassword = hasher.hash(password);
            changed.add("password");
            for (Session other : Session.<Session>list("userId = ?1 and id <> ?2", user.id, bearer.session().id)) {
                endSession(other, "password_changed");
            }
        }
        if (metadata != null) {
            user.userMetadata = metadata;
            changed.add("user_metadata");
        }
        if (!changed.isEmpty()) {
            user.updatedAt = now;
            audit.record("user_modified", user.id.toString(), user.id, caller.ip(), Map.of("changed", changed));
            events.userUpdated(user, changed);
        }
        return user;
    }

    /** GoTrue's merge of {@code data} into {@code user_metadata}: a key set to null goes. */
    private static Map<String, Object> mergedMetadata(Map<String, Object> current, Map<String, Object> data) {
        Map<String, Object> merged = new HashMap<>(current);
        data.forEach((key, value) -> {
            if (value == null) {
                merged.remove(key);
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    /** GoTrue's {@code /settings}: what auth-js and apps may offer (only e-mail sign-in here). */
    public Map<String, Object> settings() {
        return AuthJson.settings(!config.email().confirmSignup());
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    IssuedSession startSession(User user, String method, Caller caller, OffsetDateTime now) {
        Session session = new Session();
        session.id = UUID.randomUUID();
        session.userId = user.id;
        session.amrMethod = method;
        session.createdAt = now;
        session.refreshedAt = now;
        session.notAfter = now.plus(config.sessions().lifetime());
        session.ip = caller.ip();
        session.userAgent = caller.userAgent() == null ? null : caller.userAgent().substring(0, Math.min(500, caller.userAgent().length()));
        session.persist();
        user.lastSignInAt = now;
        user.updatedAt = now;
        String refresh = tokens.newRefreshToken();
        tokens.store(refresh, session, null, now);
        return issue(user, session, refresh, now);
    }

    private IssuedSession issue(User user, Session session, String refreshToken, OffsetDateTime now) {
        Instant issuedAt = now.toInstant();
        String access = tokens.accessToken(user, session, issuedAt);
        return new IssuedSession(access, refreshToken, tokens.lifetimeSeconds(), issuedAt.getEpochSecond() + tokens.lifetimeSeconds(), user);
    }

    /** Ends a session: its refresh tokens go, and {@code session.revoked} is published. */
    public void endSession(Session session, String reason) {
        RefreshToken.delete("sessionId", session.id);
        session.delete();
        events.sessionRevoked(session, reason);
        markEndedAfterCommit(session.id.toString());
    }

    /**
     * Once the end is committed, every service refuses the session's access tokens (libs/sessions): they stay
     * signed until they expire, so the mark lasts their lifetime plus a minute of clock skew. Redis unreachable:
     * logged; the tokens then live until they expire, as they did before the mark existed.
     */
    private void markEndedAfterCommit(String sessionId) {
        Duration lifetime = config.accessTokenLifetime().plusMinutes(1);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    endedSessions.markEnded(sessionId, lifetime).subscribe().with(done -> { },
                            failure -> Log.warnf("Session %s ended, but its tokens stay valid until they expire: Redis unavailable (%s)",
                                    sessionId, failure.getMessage()));
                }
            }
        });
    }

    private String newOneTimeToken(User user, String type, OffsetDateTime now) {
        OneTimeToken.delete("userId = ?1 and type = ?2", user.id, type);
        String token = tokens.newRefreshToken();
        OneTimeToken row = new OneTimeToken();
        row.tokenHash = TokenService.sha256(token);
        row.userId = user.id;
        row.type = type;
        row.createdAt = now;
        row.expiresAt = now.plus("recovery".equals(type) ? config.email().recoveryValidity() : config.email().confirmationValidity());
        row.persist();
        return token;
    }

    static String validEmail(String email) {
        if (email == null || email.isBlank()) {
            throw AuthError.badRequest(ErrorCode.VALIDATION_FAILED, "To signup, please provide your email");
        }
        String trimmed = email.trim();
        if (trimmed.length() > 255 || !EMAIL.matcher(trimmed).matches()) {
            throw AuthError.badRequest(ErrorCode.EMAIL_ADDRESS_INVALID, "Unable to validate email address: invalid format");
        }
        return trimmed.toLowerCase();
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
