package dev.groundwork.payment.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** payment-service settings ({@code payment.*}, env {@code PAYMENT_*}). */
@ConfigMapping(prefix = "payment")
public interface PaymentConfig {

    /** The plan catalogue by plan name: which Stripe prices put a user on it, and what it entitles to. */
    Map<String, Plan> plans();

    /**
     * Where Checkout and the portal may send the user back: origins ({@code https://app.example.com}); a success,
     * cancel or return URL must be one of them or lie below one. Anything else is refused (an open redirect).
     */
    java.util.Optional<List<String>> redirectOrigins();

    /** The webhook inbox worker. */
    Inbox inbox();

    /** The self-healing job: Stripe's event list and a sweep of live subscriptions. */
    Reconciliation reconciliation();

    interface Plan {
        /** Stripe price ids ({@code price_…}) of this plan; the first is what checkout uses for the plan name. */
        List<String> prices();

        /** Entitlements of the plan, e.g. {@code api.calls.100k}, {@code seats.10}. */
        java.util.Optional<List<String>> entitlements();
    }

    interface Inbox {
        /** How often the worker looks for due rows (it drains them all each time). */
        @WithDefault("1S")
        Duration pollEvery();

        /** The first wait after a failed row; it doubles per attempt. */
        @WithDefault("2S")
        Duration retryBackoff();

        /** The longest wait between attempts; a failing row is retried until it succeeds or is replayed. */
        @WithDefault("1H")
        Duration maxRetryBackoff();
    }

    interface Reconciliation {
        /** How often the event list is read and live subscriptions are re-fetched. */
        @WithDefault("10M")
        Duration every();

        /** How long after start the first run waits (the service becomes ready first). */
        @WithDefault("30S")
        Duration firstDelay();

        /** How far back the first run reads (Stripe keeps events for 30 days). */
        @WithDefault("72H")
        Duration firstLookBack();
    }
}
