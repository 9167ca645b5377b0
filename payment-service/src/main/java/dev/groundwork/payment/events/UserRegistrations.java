package dev.groundwork.payment.events;

import dev.groundwork.events.Event;
import dev.groundwork.events.quarkus.EventSubscription;
import dev.groundwork.payment.config.StripeConfig;
import dev.groundwork.payment.service.Customers;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Set;
import java.util.UUID;

/**
 * A registered user gets a Stripe customer at once, so that checkout later has one ready. Without a Stripe key (a
 * local run) there is nobody to create it at: the first checkout creates it then.
 */
@ApplicationScoped
public class UserRegistrations implements EventSubscription {

    public static final String USER_REGISTERED = "dev.groundwork.identity.user.registered.v1";
    /** auth-service's stream. */
    static final String IDENTITY_STREAM = "events:identity";

    /** Read with libs/events' ObjectMapper ({@code Event.data}), outside Quarkus REST: registered for the native image. */
    @RegisterForReflection
    public record UserRegistered(String userId, String email) {
    }

    @Inject
    Customers customers;
    @Inject
    StripeConfig stripe;

    @Override
    public String stream() {
        return IDENTITY_STREAM;
    }

    @Override
    public Set<String> types() {
        return Set.of(USER_REGISTERED);
    }

    @Override
    public void handle(Event event, EffectScope scope) {
        UserRegistered registered = event.data(UserRegistered.class);
        UUID user = UUID.fromString(registered.userId());
        if (stripe.secretKey().isEmpty()) {
            Log.debugf("No STRIPE_SECRET_KEY: the Stripe customer of user %s is created at its first checkout", user);
            return;
        }
        if (customers.ensure(user, registered.email()).isEmpty()) {
            Log.infof("user.registered of user %s arrived after the user was deleted: no customer", user);
        }
    }
}
