package dev.groundwork.auth.events;

import dev.groundwork.auth.repository.User;
import dev.groundwork.events.Event;
import dev.groundwork.events.quarkus.EventSubscription;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Billing's plan changes go into the user's {@code app_metadata.plan}, and so into the next refreshed token. */
@ApplicationScoped
public class SubscriptionChanges implements EventSubscription {

    public static final String SUBSCRIPTION_CHANGED = "dev.groundwork.billing.subscription.changed.v1";

    /** Read with libs/events' ObjectMapper ({@code Event.data}), outside Quarkus REST: registered for the native image. */
    @RegisterForReflection
    public record SubscriptionChanged(String userId, String plan, String status) {
    }

    @Override
    public String stream() {
        return "events:billing";
    }

    @Override
    public Set<String> types() {
        return Set.of(SUBSCRIPTION_CHANGED);
    }

    @Override
    public void handle(Event event, EffectScope scope) {
        SubscriptionChanged change = event.data(SubscriptionChanged.class);
        User user = User.findById(UUID.fromString(change.userId()));
        if (user == null) {
            Log.infof("Plan change for user %s, who no longer exists: ignored", change.userId());
            return;
        }
        Map<String, Object> appMetadata = new HashMap<>(user.appMetadata);
        boolean active = "active".equals(change.status()) || "trialing".equals(change.status());
        if (active && change.plan() != null) {
            appMetadata.put("plan", change.plan());
        } else {
            appMetadata.remove("plan");
        }
        user.appMetadata = appMetadata;
    }
}
