package dev.groundwork.monitoring.service.grouping;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * {@code Sentry.captureMessage} from @sentry/node 11, which attaches the stack by default as a synthetic exception
 * without a type (test resource sentry/sentry-node-11-message-event.json): a message with a stack, as the SDK meant.
 */
class CapturedMessageGroupingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aCapturedMessageIsTitledByItsMessageNotByItsFunction() {
        Grouping.Result result = Grouping.group(event("payment failed for order 5678"));

        assertEquals("default", result.type());
        assertEquals("payment failed for order 5678", result.title());
        assertEquals("?(payments)", result.culprit());
        assertEquals(Grouping.BY_STACKTRACE, result.method());
        assertEquals(List.of("frame: payments.?", "message: payment failed for order <int>"), result.components());
    }

    @Test
    void messagesThatDifferByAValueAreOneIssueAndOtherMessagesAnother() {
        String hash = Grouping.group(event("payment failed for order 5678")).hash();

        assertEquals(hash, Grouping.group(event("payment failed for order 1234")).hash());
        assertNotEquals(hash, Grouping.group(event("refund failed for order 1234")).hash(), "two messages logged in one place");
    }

    @Test
    void aSyntheticExceptionWithATypeIsStillAnError() {
        // A browser's global handler: an uncaught error of a known type, without a stack of its own.
        ObjectNode event = event("Uncaught NetworkError: importScripts failed");
        ((ObjectNode) event.path("exception").path("values").get(0)).put("type", "Error");

        assertEquals("error", Grouping.group(event).type());
    }

    private static ObjectNode event(String message) {
        try (InputStream in = CapturedMessageGroupingTest.class.getClassLoader().getResourceAsStream("sentry/sentry-node-11-message-event.json")) {
            ObjectNode event = (ObjectNode) JSON.readTree(in);
            event.put("message", message);
            ((ObjectNode) event.path("exception").path("values").get(0)).put("value", message);
            return event;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
