package dev.groundwork.cache.events;

import jakarta.enterprise.context.ApplicationScoped;

/** The mapped events of auth-service ({@code events:identity}), e.g. a user updated or deleted. */
@ApplicationScoped
public class IdentityInvalidations extends TagInvalidations {

    @Override
    String producer() {
        return "identity";
    }
}
