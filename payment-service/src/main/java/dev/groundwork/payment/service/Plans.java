package dev.groundwork.payment.service;

import dev.groundwork.payment.config.PaymentConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The plan catalogue of the config: price → plan, plan → entitlements and checkout price. */
@ApplicationScoped
public class Plans {

    private final Map<String, String> planByPrice = new HashMap<>();
    private final PaymentConfig config;

    @Inject
    public Plans(PaymentConfig config) {
        this.config = config;
        config.plans().forEach((plan, definition) -> definition.prices().forEach(price -> {
            String other = planByPrice.put(price, plan);
            if (other != null) {
                throw new IllegalStateException("payment.plans: price " + price + " is in both " + other + " and " + plan);
            }
        }));
    }

    public Optional<String> planOf(String priceId) {
        return Optional.ofNullable(priceId == null ? null : planByPrice.get(priceId));
    }

    public boolean knows(String priceId) {
        return planByPrice.containsKey(priceId);
    }

    /** The price checkout uses for a plan: its first. */
    public Optional<String> checkoutPrice(String plan) {
        PaymentConfig.Plan definition = config.plans().get(plan);
        return definition == null ? Optional.empty() : Optional.of(definition.prices().get(0));
    }

    public List<String> entitlements(String plan) {
        PaymentConfig.Plan definition = plan == null ? null : config.plans().get(plan);
        return definition == null ? List.of() : definition.entitlements().orElse(List.of());
    }
}
