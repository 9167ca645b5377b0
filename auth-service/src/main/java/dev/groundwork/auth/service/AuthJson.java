package dev.groundwork.auth.service;

import dev.groundwork.auth.repository.User;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * User, session and settings JSON exactly as GoTrue writes them (models/user.go, api/token.go, api/settings.go);
 * omitted fields stay omitted.
 */
public final class AuthJson {

    private AuthJson() {
    }

    /** GoTrue's settings (api/settings.go) for e-mail sign-in only. */
    public static Map<String, Object> settings(boolean mailerAutoconfirm) {
        Map<String, Object> external = new LinkedHashMap<>();
        external.put("email", true);
        external.put("phone", false);
        external.put("anonymous_users", false);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("external", external);
        settings.put("disable_signup", false);
        settings.put("mailer_autoconfirm", mailerAutoconfirm);
        settings.put("phone_autoconfirm", false);
        settings.put("sms_provider", "");
        settings.put("saml_enabled", false);
        return settings;
    }

    public static Map<String, Object> user(User user) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", user.id.toString());
        json.put("aud", user.aud);
        json.put("role", user.role);
        json.put("email", user.email);
        putTime(json, "email_confirmed_at", user.emailConfirmedAt);
        json.put("phone", "");
        putTime(json, "confirmation_sent_at", user.confirmationSentAt);
        putTime(json, "confirmed_at", user.emailConfirmedAt);
        putTime(json, "recovery_sent_at", user.recoverySentAt);
        if (user.emailChange != null) {
            json.put("new_email", user.emailChange);
        }
        putTime(json, "email_change_sent_at", user.emailChangeSentAt);
        putTime(json, "last_sign_in_at", user.lastSignInAt);
        json.put("app_metadata", user.appMetadata);
        json.put("user_metadata", user.userMetadata);
        json.put("identities", List.of(identity(user)));
        json.put("created_at", time(user.createdAt));
        json.put("updated_at", time(user.updatedAt));
        putTime(json, "banned_until", user.bannedUntil);
        json.put("is_anonymous", false);
        return json;
    }

    /** The e-mail identity GoTrue keeps per user, derived from the user (we have no other providers). */
    static Map<String, Object> identity(User user) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("identity_id", UUID.nameUUIDFromBytes(("identity:" + user.id).getBytes(StandardCharsets.UTF_8)).toString());
        json.put("id", user.id.toString());
        json.put("user_id", user.id.toString());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("email", user.email);
        data.put("email_verified", user.emailConfirmedAt != null);
        data.put("phone_verified", false);
        data.put("sub", user.id.toString());
        json.put("identity_data", data);
        json.put("provider", "email");
        putTime(json, "last_sign_in_at", user.lastSignInAt);
        json.put("created_at", time(user.createdAt));
        json.put("updated_at", time(user.updatedAt));
        json.put("email", user.email);
        return json;
    }

    /** What GoTrue answers a repeated signup when confirmations are on: a look-alike user with no identities. */
    public static Map<String, Object> obfuscatedUser(String email, Map<String, Object> userMetadata, OffsetDateTime now) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", UUID.randomUUID().toString());
        json.put("aud", "authenticated");
        json.put("role", "authenticated");
        json.put("email", email);
        json.put("phone", "");
        putTime(json, "confirmation_sent_at", now);
        json.put("app_metadata", Map.of("provider", "email", "providers", List.of("email")));
        json.put("user_metadata", userMetadata);
        json.put("identities", List.of());
        json.put("created_at", time(now));
        json.put("updated_at", time(now));
        json.put("is_anonymous", false);
        return json;
    }

    public static Map<String, Object> session(String accessToken, long expiresIn, long expiresAt, String refreshToken, User user) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("access_token", accessToken);
        json.put("token_type", "bearer");
        json.put("expires_in", expiresIn);
        json.put("expires_at", expiresAt);
        json.put("refresh_token", refreshToken);
        json.put("user", user(user));
        return json;
    }

    static String time(OffsetDateTime time) {
        return time == null ? null : DateTimeFormatter.ISO_INSTANT.format(time.toInstant());
    }

    private static void putTime(Map<String, Object> json, String name, OffsetDateTime value) {
        if (value != null) {
            json.put(name, time(value));
        }
    }
}
