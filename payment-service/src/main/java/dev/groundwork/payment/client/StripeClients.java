package dev.groundwork.payment.client;

import com.stripe.StripeClient;
import dev.groundwork.payment.config.StripeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * The one {@link StripeClient} of the service (never the global {@code Stripe.apiKey}): timeouts, the library's
 * network retries set explicitly (its builder's default is none), the API base overridable for tests.
 */
@ApplicationScoped
public class StripeClients {

    @Produces
    @ApplicationScoped
    StripeClient stripeClient(StripeConfig config) {
        return StripeClient.builder()
                // Without a key every call fails with Stripe's own AuthenticationException (502 to our clients).
                .setApiKey(config.secretKey().orElse("sk_not_configured"))
                .setApiBase(config.apiBase().toString().replaceAll("/+$", ""))
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setReadTimeout((int) config.readTimeout().toMillis())
                .setMaxNetworkRetries(config.maxNetworkRetries())
                .build();
    }
}
