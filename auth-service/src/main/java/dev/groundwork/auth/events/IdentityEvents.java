package dev.groundwork.auth.events;

import dev.groundwork.auth.repository.Session;
import dev.groundwork.auth.repository.User;
import dev.groundwork.events.quarkus.Events;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

/**
 * The events auth-service publishes on {@code events:identity} (docs/events.md), in the caller's transaction. Their
 * data records are written by libs/events' ObjectMapper, outside Quarkus REST: registered for the native image.
 */
@ApplicationScoped
public class IdentityEvents {

    public static final String USER_REGISTERED = "dev.groundwork.identity.user.registered.v1";
    public static final String USER_UPDATED = "dev.groundwork.identity.user.updated.v1";
    public static final String USER_DELETED = "dev.groundwork.identity.user.deleted.v1";
    public static final String SESSION_REVOKED = "dev.groundwork.identity.session.revoked.v1";

    @RegisterForReflection
    public record UserRegistered(String userId, String email, String createdAt) {
    }

    @RegisterForReflection
    public record UserUpdated(String userId, List<String> changed) {
    }

    @RegisterForReflection
    public record UserDeleted(String userId) {
    }

    @RegisterForReflection
    public record SessionRevoked(String userId, String sessionId, String reason) {
    }

    @Inject
    Events events;

    public void userRegistered(User user) {
        events.publish(USER_REGISTERED, user.id.toString(), new UserRegistered(user.id.toString(), user.email,
                DateTimeFormatter.ISO_INSTANT.format(user.createdAt.toInstant())));
    }

    public void userUpdated(User user, List<String> changed) {
        events.publish(USER_UPDATED, user.id.toString(), new UserUpdated(user.id.toString(), changed));
    }

    public void userDeleted(UUID userId) {
        events.publish(USER_DELETED, userId.toString(), new UserDeleted(userId.toString()));
    }

    public void sessionRevoked(Session session, String reason) {
        events.publish(SESSION_REVOKED, session.userId.toString(),
                new SessionRevoked(session.userId.toString(), session.id.toString(), reason));
    }
}
