package dev.groundwork.payment.rest;

import dev.groundwork.payment.service.Inbox;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * Refuses a webhook delivery without {@code Stripe-Signature} from its headers, before {@link RequestBodies} reads
 * the body: an anonymous caller cannot make us wait for (and hold) a body we would refuse anyway.
 */
public class WebhookGate {

    @BodyReadFirst
    @ServerRequestFilter(nonBlocking = true, priority = Priorities.AUTHENTICATION)
    public Uni<Void> requireSignature(ContainerRequestContext context, SimpleResourceInfo resource) {
        if (resource.getResourceClass() == WebhookResource.class) {
            try {
                Inbox.requireSignatureHeader(context.getHeaderString("Stripe-Signature"));
            } catch (Inbox.Refused refused) {
                return Uni.createFrom().failure(refused);
            }
        }
        return Uni.createFrom().voidItem();
    }
}
