package dev.groundwork.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCodecTest {

    record PlanChanged(String userId, String plan) {
    }

    @Test
    void anEventIsCloudEventsJsonWithTheRequestThatCausedIt() throws Exception {
        String json = EventCodec.encode("0b7c6e0e-2f7e-4a8e-9a51-0c4c2b0f0a11", "billing",
                "dev.groundwork.billing.subscription.changed.v1", "user-42",
                JsonNodeFactory.instance.objectNode().put("userId", "user-42").put("plan", "pro"),
                new EventCodec.Trace("req-1", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));

        JsonNode wire = EventCodec.JSON.readTree(json);
        assertEquals("1.0", wire.get("specversion").asText());
        assertEquals("urn:groundwork:billing", wire.get("source").asText());
        assertEquals("application/json", wire.get("datacontenttype").asText());
        assertEquals("req-1", wire.get("requestid").asText());
        assertTrue(wire.get("time").asText().endsWith("Z"), wire.get("time").asText());
        assertEquals("pro", wire.get("data").get("plan").asText(), "data is embedded JSON, not a string");

        Event event = EventCodec.decode(Map.of("event", json));
        assertEquals("0b7c6e0e-2f7e-4a8e-9a51-0c4c2b0f0a11", event.id());
        assertEquals("dev.groundwork.billing.subscription.changed.v1", event.type());
        assertEquals("user-42", event.subject());
        assertEquals("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", event.traceparent());
        assertEquals(new PlanChanged("user-42", "pro"), event.data(PlanChanged.class));
    }

    @Test
    void aFieldAddedByANewerProducerDoesNotBreakAnOlderConsumer() throws Exception {
        Event event = EventCodec.decode(Map.of("event", "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"urn:x\","
                + "\"type\":\"t\",\"subject\":\"user-42\",\"data\":{\"userId\":\"user-42\",\"plan\":\"pro\",\"seats\":10}}"));
        assertEquals(new PlanChanged("user-42", "pro"), event.data(PlanChanged.class));
    }

    @Test
    void anEntryThatIsNotOurEventSaysWhy() {
        assertEquals("not a CloudEvents 1.0 JSON event: Invalid specversion: 0.1", assertThrows(MalformedEventException.class,
                () -> EventCodec.decode(Map.of("event", "{\"specversion\":\"0.1\",\"id\":\"1\",\"source\":\"urn:x\",\"type\":\"t\"}")))
                .getMessage());
        assertEquals("the event 1 has no subject", assertThrows(MalformedEventException.class,
                () -> EventCodec.decode(Map.of("event", "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"urn:x\",\"type\":\"t\"}")))
                .getMessage());
        assertThrows(IllegalArgumentException.class, () -> EventCodec.decode(Map.of("event",
                "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"urn:x\",\"type\":\"t\",\"subject\":\"s\",\"data\":{\"plan\":[]}}"))
                .data(PlanChanged.class), "data of the wrong shape fails in the handler, so it is retried and dead-lettered");
    }
}
