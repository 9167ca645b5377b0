package dev.groundwork.payment.events;

import dev.groundwork.events.Event;
import dev.groundwork.events.quarkus.EventSubscription;
import dev.groundwork.payment.service.Customers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Set;
import java.util.UUID;

/** A registered user gets a Stripe customer at once, so that checkout later has one ready. */
@ApplicationScoped
public class UserRegistrations implements EventSubscription {

    public static final String USER_REGISTERED = "dev.groundwork.identity.user.registered.v1";

    public record UserRegistered(String userId, String email) {
    }

    @Inject
    Customers customers;

    @Override
    public String stream() {
        return "events:identity";
    }

    @Override
    public Set<String> types() {
        return Set.of(USER_REGISTERED);
    }

    @Override
    public void handle(Event event, EffectScope scope) {
        UserRegistered registered = event.data(UserRegistered.class);
        customers.ensure(UUID.fromString(registered.userId()), registered.email());
    }
}
