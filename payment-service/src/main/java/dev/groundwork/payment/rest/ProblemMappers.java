package dev.groundwork.payment.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.CardException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.PermissionException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import dev.groundwork.http.Problem;
import dev.groundwork.payment.service.BillingErrors;
import dev.groundwork.payment.service.Inbox;
import dev.groundwork.payment.service.StripeCallFailed;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error of our API is problem+json, written by libs/http's {@link Problem} (a thrown {@code Problem} is
 * libs/http's {@code ProblemMapper}'s). A Stripe failure becomes a 502/503 (or 402 for a declined card) that
 * says what happened in our words and gives Stripe's request id for support, never Stripe's message (it can
 * quote parameters) or a key.
 */
public class ProblemMappers {

    static final String MALFORMED_BODY = "the request body is not valid JSON of the expected shape";

    @Inject
    MeterRegistry meters;

    @ServerExceptionMapper
    public Response stripe(StripeException e) {
        String reference = e.getRequestId() == null ? "" : " (Stripe request " + e.getRequestId() + ")";
        Log.warnf("Stripe call failed: %s", StripeCallFailed.describe(e));
        if (e instanceof CardException) {
            return Problem.response(402, BillingErrors.PAYMENT_DECLINED, "the card was declined" + reference);
        }
        if (e instanceof RateLimitException || e instanceof ApiConnectionException) {
            return Problem.response(503, BillingErrors.STRIPE_UNAVAILABLE, "Stripe cannot be reached right now; try again" + reference);
        }
        if (e instanceof AuthenticationException || e instanceof PermissionException) {
            return Problem.response(502, BillingErrors.PROVIDER_MISCONFIGURED, "the service's Stripe credentials were refused" + reference);
        }
        if (e instanceof InvalidRequestException || e instanceof IdempotencyException) {
            return Problem.response(502, BillingErrors.PROVIDER_REFUSED, "Stripe refused a request of this service" + reference);
        }
        return Problem.response(502, BillingErrors.PROVIDER_ERROR, "Stripe answered with an error" + reference);
    }

    @ServerExceptionMapper({io.quarkus.security.UnauthorizedException.class, io.quarkus.security.AuthenticationFailedException.class})
    public Response unauthorized() {
        return Response.fromResponse(Problem.response(401, BillingErrors.UNAUTHORIZED, "a valid bearer token of auth-service is needed"))
                .header("WWW-Authenticate", "Bearer realm=\"groundwork\"").build();
    }

    @ServerExceptionMapper
    public Response forbidden(io.quarkus.security.ForbiddenException e) {
        return Problem.response(403, BillingErrors.FORBIDDEN, "this token does not have the role this needs");
    }

    @ServerExceptionMapper
    public Response stripeCall(StripeCallFailed e) {
        return stripe(e.stripeException());
    }

    /** Anything else is our bug: logged with an id the answer gives, nothing of it in the answer. */
    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        String id = java.util.UUID.randomUUID().toString();
        Log.errorf(e, "Unexpected error %s", id);
        return Problem.response(500, BillingErrors.INTERNAL_ERROR, "an unexpected error happened; its id in the service log is " + id);
    }

    /** Quarkus REST wraps a body that is not JSON in a 400; the parser's message stays in our log. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status == 400) {
            return malformedBody(e.getCause() == null ? e : e.getCause());
        }
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        return Problem.response(status, title, title);
    }

    /**
     * JSON of another shape than the DTO's (Quarkus' own mapper would show, in dev and test, the DTO's class and the
     * position; in prod an empty 400): one sentence for the caller, Jackson's message in the log.
     */
    @ServerExceptionMapper({MismatchedInputException.class, StreamReadException.class})
    public Response malformedBody(Throwable e) {
        Log.infof("Request body refused: %s", e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.toString());
        return Problem.response(400, BillingErrors.BAD_REQUEST, MALFORMED_BODY);
    }

    /** A webhook delivery that is not Stripe's or not well-formed: the reason for Stripe's dashboard, the detail logged. */
    @ServerExceptionMapper
    public Response webhookRefused(Inbox.Refused refused) {
        meters.counter("payment.webhook.deliveries", "outcome", "refused").increment();
        Log.infof("Stripe webhook refused: %s", refused.logged());
        return Problem.response(400, BillingErrors.WEBHOOK_REFUSED, refused.getMessage());
    }
}
