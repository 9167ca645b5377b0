package dev.groundwork.cache.events;

import jakarta.enterprise.context.ApplicationScoped;

/** The mapped events of payment-service ({@code events:billing}), e.g. a subscription changed. */
@ApplicationScoped
public class BillingInvalidations extends TagInvalidations {

    @Override
    String producer() {
        return "billing";
    }
}
