package dev.groundwork.payment.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.Stripe;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import dev.groundwork.payment.config.StripeConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The webhook's first and only synchronous step: the signature checked on the raw body against every configured
 * secret (rotation), then the event stored in the inbox keyed by its id ({@code ON CONFLICT DO NOTHING}), so a
 * duplicate changes nothing. Everything else is the worker's ({@link InboxWorker}).
 */
@ApplicationScoped
public class Inbox {

    /**
     * Why a delivery was refused: the webhook answers 400 with the message, what the sender can act on, and nothing is
     * stored; {@link #logged()} is the fuller story for our log (issue 13: a body never says how we are configured).
     */
    public static class Refused extends Exception {
        private final String logged;

        public Refused(String reason) {
            this(reason, reason);
        }

        public Refused(String reason, String logged) {
            super(reason, null, false, false);
            this.logged = logged;
        }

        public String logged() {
            return logged;
        }
    }

    /** Stripe's own words for a signature that matches no secret; also the answer when there is no secret at all. */
    static final String NO_MATCHING_SIGNATURE = "No signatures found matching the expected signature for payload";

    /** What was stored: the event's id and type, and whether it was new. */
    public record Accepted(String id, String type, boolean fresh) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Set<String> versionsWarned = ConcurrentHashMap.newKeySet();

    @Inject
    StripeConfig config;
    @Inject
    EntityManager entityManager;
    @Inject
    MeterRegistry meters;

    /** Checks and stores a webhook delivery. */
    @Transactional
    public Accepted receive(String payload, String signatureHeader) throws Refused {
        verify(payload, signatureHeader);
        JsonNode event = parse(payload);
        boolean fresh = store(event, payload, "webhook");
        meters.counter("payment.webhook.deliveries", "outcome", fresh ? "accepted" : "duplicate").increment();
        return new Accepted(event.path("id").asText(), event.path("type").asText(), fresh);
    }

    /** Stores an event that reconciliation found in Stripe's event list; false when the inbox had it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean storeFound(String payload) throws Refused {
        return store(parse(payload), payload, "reconciliation");
    }

    private void verify(String payload, String header) throws Refused {
        requireSignatureHeader(header);
        List<String> secrets = config.webhookSecrets().orElse(List.of());
        if (secrets.isEmpty()) {
            // The sender learns only that its signature does not match: how we are configured is not its business.
            Log.error("A Stripe webhook arrived but STRIPE_WEBHOOK_SECRETS is empty: every delivery is refused");
            throw new Refused("signature check failed: " + NO_MATCHING_SIGNATURE, "STRIPE_WEBHOOK_SECRETS is empty");
        }
        String reason = null;
        for (String secret : secrets) {
            try {
                if (Webhook.Signature.verifyHeader(payload, header, secret.trim(), config.webhookTolerance().toSeconds())) {
                    return;
                }
            } catch (SignatureVerificationException e) {
                // Stripe's messages name the problem (no matching signature, timestamp outside the tolerance, header
                // unreadable) and never the secret; the most specific one wins.
                if (reason == null || !e.getMessage().startsWith("No signatures found")) {
                    reason = e.getMessage();
                }
            } catch (RuntimeException e) {
                // The library's parser gives up on some malformed headers with an unchecked exception.
                reason = "the Stripe-Signature header cannot be read";
            }
        }
        throw new Refused("signature check failed: " + reason);
    }

    /** A delivery without a signature is refused before its body is read (rest/WebhookGate). */
    public static void requireSignatureHeader(String header) throws Refused {
        if (header == null || header.isBlank()) {
            throw new Refused("the Stripe-Signature header is missing");
        }
    }

    private JsonNode parse(String payload) throws Refused {
        JsonNode event;
        try {
            event = JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new Refused("the body is not JSON", "the body is not JSON: " + e.getOriginalMessage());
        }
        if (event == null || !event.path("id").isTextual() || !event.path("type").isTextual()
                || !"event".equals(event.path("object").asText("event"))) {
            throw new Refused("the body is not a Stripe event (no id or type)");
        }
        return event;
    }

    private boolean store(JsonNode event, String payload, String source) {
        String apiVersion = event.path("api_version").isTextual() ? event.path("api_version").asText() : null;
        if (apiVersion != null && !apiVersion.equals(Stripe.API_VERSION)) {
            // Objects are re-fetched with the library's own version, so the event is still processed; but the
            // endpoint's version should be the library's (Stripe's dashboard, webhook endpoint settings).
            meters.counter("payment.webhook.api.version.mismatch").increment();
            if (versionsWarned.add(apiVersion)) {
                Log.errorf("Stripe event %s has API version %s, stripe-java %s reads %s: set the webhook endpoint's version to %s",
                        event.path("id").asText(), apiVersion, Stripe.VERSION, Stripe.API_VERSION, Stripe.API_VERSION);
            }
        }
        int inserted = entityManager.createNativeQuery("""
                        INSERT INTO billing.stripe_event (id, type, api_version, created, payload, source)
                        VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING""")
                .setParameter(1, event.path("id").asText()).setParameter(2, event.path("type").asText())
                .setParameter(3, apiVersion).setParameter(4, event.path("created").asLong())
                .setParameter(5, payload).setParameter(6, source).executeUpdate();
        return inserted == 1;
    }
}
