package dev.groundwork.payment.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.ConfigMapping;

import java.net.URI;
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
}
