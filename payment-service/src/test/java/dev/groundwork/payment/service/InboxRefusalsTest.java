package dev.groundwork.payment.service;

import com.stripe.net.Webhook;
import dev.groundwork.payment.config.StripeConfig;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a refused delivery tells its anonymous sender (issue 13, point 7): what it can act on, never how this
 * endpoint is configured nor the parser's message; those go to the log ({@link Inbox.Refused#logged()}).
 */
class InboxRefusalsTest {

    private static final String PAYLOAD = "{\"id\": \"evt_1\", \"type\": \"invoice.paid\"}";

    @Test
    void withoutASecretTheSenderHearsWhatAMismatchingSignatureHears() throws Exception {
        String header = Webhook.Signature.generateSignatureHeader(PAYLOAD, "whsec_sender", System.currentTimeMillis() / 1000);
        Inbox.Refused unconfigured = assertThrows(Inbox.Refused.class, () -> inbox(List.of()).receive(PAYLOAD, header));
        Inbox.Refused mismatch = assertThrows(Inbox.Refused.class, () -> inbox(List.of("whsec_ours")).receive(PAYLOAD, header));

        assertEquals(mismatch.getMessage(), unconfigured.getMessage());
        assertFalse(unconfigured.getMessage().toLowerCase().contains("secret"), unconfigured.getMessage());
        assertTrue(unconfigured.logged().contains("STRIPE_WEBHOOK_SECRETS"), unconfigured.logged());
    }

    @Test
    void aBodyThatIsNotJsonIsSaidSoWithoutTheParsersMessage() throws Exception {
        String broken = "{\"id\": \"evt_1\", \"type\": ";
        String header = Webhook.Signature.generateSignatureHeader(broken, "whsec_ours", System.currentTimeMillis() / 1000);
        Inbox.Refused refused = assertThrows(Inbox.Refused.class, () -> inbox(List.of("whsec_ours")).receive(broken, header));

        assertEquals("the body is not JSON", refused.getMessage());
        assertTrue(refused.logged().contains("end-of-input"), refused.logged());
    }

    private static Inbox inbox(List<String> secrets) {
        Inbox inbox = new Inbox();
        inbox.config = (StripeConfig) Proxy.newProxyInstance(StripeConfig.class.getClassLoader(), new Class<?>[] {StripeConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "webhookSecrets" -> Optional.of(secrets);
                    case "webhookTolerance" -> Duration.ofMinutes(5);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return inbox;
    }
}
