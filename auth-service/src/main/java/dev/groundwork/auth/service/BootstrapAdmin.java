package dev.groundwork.auth.service;

import dev.groundwork.auth.config.AuthConfig;
import dev.groundwork.auth.error.AuthError;
import dev.groundwork.auth.repository.User;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The first admin user, from {@code auth.bootstrap-admin.*}: at every start, the user with that e-mail exists and
 * has the role {@code admin} in {@code app_metadata.roles} (the claim the gateway and the services read). It is
 * created as the admin API creates users (the same audit entry and {@code user.registered}), confirmed. An existing
 * user keeps its password and gets the role; one whose address was never confirmed is taken over with the configured
 * password, because whoever signed up with it never proved the address. The password is never logged or put in an
 * error message: errors name the setting.
 */
@ApplicationScoped
public class BootstrapAdmin {

    static final String EMAIL_SETTING = "auth.bootstrap-admin.email (AUTH_BOOTSTRAP_ADMIN_EMAIL)";
    static final String PASSWORD_SETTING = "auth.bootstrap-admin.password (AUTH_BOOTSTRAP_ADMIN_PASSWORD)";
    /** The actor of its audit entries. */
    static final String ACTOR = "bootstrap-admin";
    static final String ADMIN_ROLE = "admin";
    /** Replicas starting together take turns on this Postgres advisory lock: one creates, the others find. */
    private static final String LOCK = "auth:bootstrap-admin";

    /** Both settings. */
    record Credentials(String email, String password) {
        @Override
        public String toString() {
            return "Credentials[email=" + email + "]";
        }
    }

    @Inject
    AuthConfig config;
    @Inject
    AdminService admin;
    @Inject
    PasswordPolicy policy;
    @Inject
    EntityManager entityManager;
    @Inject
    PasswordHasher hasher;

    /** After the default priority of start observers: libs/events opens the outbox that user.registered goes to then. */
    public void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent start) {
        credentials(config.bootstrapAdmin().email(), config.bootstrapAdmin().password())
                .ifPresent(c -> ensure(c.email(), c.password()));
    }

    /** Both set: the credentials; neither: none; only one: a refusal to start that names the missing setting. */
    static Optional<Credentials> credentials(Optional<String> email, Optional<String> password) {
        Optional<String> e = email.filter(s -> !s.isBlank());
        Optional<String> p = password.filter(s -> !s.isBlank());
        if (e.isPresent() != p.isPresent()) {
            String set = e.isPresent() ? EMAIL_SETTING : PASSWORD_SETTING;
            String missing = e.isPresent() ? PASSWORD_SETTING : EMAIL_SETTING;
            throw new IllegalStateException(set + " is set but " + missing
                    + " is not: set both to create the first admin user, or neither");
        }
        return e.map(address -> new Credentials(address, p.get()));
    }

    /** Makes sure the user exists with the admin role; answers its id. */
    public UUID ensure(String email, String password) {
        return ensure(email, password, config.bootstrapAdmin().resetPassword());
    }

    /** With {@code resetPassword}, an existing admin whose password differs gets the configured one (local runs). */
    @Transactional
    public UUID ensure(String email, String password, boolean resetPassword) {
        String address;
        try {
            address = AuthService.validEmail(email);
        } catch (AuthError invalid) {
            throw new IllegalStateException(EMAIL_SETTING + " is not a valid e-mail address: " + invalid.getMessage());
        }
        try {
            policy.check(password, address);
        } catch (AuthError weak) {
            throw new IllegalStateException(PASSWORD_SETTING + " is refused by the password policy: " + weak.getMessage());
        }
        entityManager.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(?1))").setParameter(1, LOCK).getSingleResult();
        Optional<User> existing = User.byEmail(address);
        if (existing.isEmpty()) {
            User user = admin.create(ACTOR, Map.of("email", address, "password", password, "email_confirm", true,
                    "app_metadata", Map.of("roles", List.of(ADMIN_ROLE))));
            Log.infof("Created the first admin user %s (%s)", user.id, EMAIL_SETTING);
            return user.id;
        }
        User user = existing.get();
        List<String> roles = roles(user);
        Map<String, Object> changes = new HashMap<>();
        if (!roles.contains(ADMIN_ROLE)) {
            List<String> withAdmin = new ArrayList<>(roles);
            withAdmin.add(ADMIN_ROLE);
            changes.put("app_metadata", Map.of("roles", withAdmin));
        }
        if (user.emailConfirmedAt == null) {
            changes.put("email_confirm", true);
            changes.put("password", password);
        } else if (resetPassword && !hasher.verify(password, user.encryptedPassword)) {
            changes.put("password", password);
        }
        if (changes.isEmpty()) {
            Log.debugf("The first admin user %s exists with the admin role", user.id);
        } else {
            admin.update(ACTOR, user.id.toString(), changes);
            Log.infof("The first admin user %s (%s) exists; %s", user.id, EMAIL_SETTING, changes.containsKey("email_confirm")
                    ? "its address was never confirmed: confirmed, with the configured password and the admin role"
                    : changes.containsKey("password") ? "its password set back to the configured one (reset-password)"
                    : "given the admin role");
        }
        return user.id;
    }

    private static List<String> roles(User user) {
        Object roles = user.appMetadata.get("roles");
        if (roles instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return roles instanceof String role ? List.of(role) : List.of();
    }
}
