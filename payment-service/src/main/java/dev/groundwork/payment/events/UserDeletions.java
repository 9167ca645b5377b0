package dev.groundwork.payment.events;

import dev.groundwork.events.Event;
import dev.groundwork.events.quarkus.EventSubscription;
import dev.groundwork.payment.service.DeletedUsers;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Set;
import java.util.UUID;

/** A user deleted in auth-service: their subscriptions end with the paid period and their personal data goes. */
@ApplicationScoped
public class UserDeletions implements EventSubscription {

    public static final String USER_DELETED = "dev.groundwork.identity.user.deleted.v1";

    /** Read with libs/events' ObjectMapper ({@code Event.data}), outside Quarkus REST: registered for the native image. */
    @RegisterForReflection
    public record UserDeleted(String userId) {
    }

    @Inject
    DeletedUsers deletedUsers;

    @Override
    public String stream() {
        return UserRegistrations.IDENTITY_STREAM;
    }

    @Override
    public Set<String> types() {
        return Set.of(USER_DELETED);
    }

    @Override
    public void handle(Event event, EffectScope scope) {
        UserDeleted deleted = event.data(UserDeleted.class);
        deletedUsers.close(UUID.fromString(deleted.userId()), event.id());
    }
}
