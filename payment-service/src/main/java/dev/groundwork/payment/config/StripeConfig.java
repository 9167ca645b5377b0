package dev.groundwork.payment.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Stripe settings ({@code stripe.*}, env {@code STRIPE_*}); the secrets come from the payment-service Secret. */
@ConfigMapping(prefix = "stripe")
public interface StripeConfig {

    /** Stripe's API base; tests point it at a stub ({@code STRIPE_API_BASE}). */
    @WithDefault("https://api.stripe.com")
    URI apiBase();

    /** The secret API key ({@code STRIPE_SECRET_KEY}); without it the service starts but cannot call Stripe. */
    Optional<String> secretKey();

    /** Webhook signing secrets, comma-separated so that a rotation accepts old and new ({@code STRIPE_WEBHOOK_SECRETS}). */
    Optional<List<String>> webhookSecrets();

    /** How old a webhook's signed timestamp may be (Stripe's own default is 300 s). */
    @WithDefault("300S")
    Duration webhookTolerance();

    /** Largest webhook body accepted; Stripe's events are far smaller. */
    @WithDefault("512K")
    io.quarkus.runtime.configuration.MemorySize webhookMaxBodySize();

    /** Connecting to Stripe's API. */
    @WithDefault("5S")
    Duration connectTimeout();

    /** Waiting for Stripe's answer. */
    @WithDefault("20S")
    Duration readTimeout();

    /** The library's own retries of a failed call (its default is 0); they reuse the idempotency key. */
    @WithDefault("2")
    int maxNetworkRetries();
}
