package dev.groundwork.payment;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.groundwork.events.Event;
import dev.groundwork.events.EventCodec;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What reached Redis: the events payment-service published, and events the tests publish as other services. */
final class BillingStream {

    private BillingStream() {
    }

    /** Every event on {@code events:billing} about this subject, in stream order. */
    static List<Event> about(RedisDataSource redis, String subject) {
        List<Event> events = new ArrayList<>();
        Response entries = redis.execute("XRANGE", "events:billing", "-", "+");
        if (entries == null) {
            return events;
        }
        for (Response entry : entries) {
            Map<String, String> fields = new HashMap<>();
            Response pairs = entry.get(1);
            for (int i = 0; i + 1 < pairs.size(); i += 2) {
                fields.put(pairs.get(i).toString(), pairs.get(i + 1).toString());
            }
            try {
                Event event = EventCodec.decode(fields);
                if (subject.equals(event.subject())) {
                    events.add(event);
                }
            } catch (Exception e) {
                throw new AssertionError("malformed entry on events:billing: " + fields, e);
            }
        }
        return events;
    }

    /** auth-service's {@code user.registered}, as it puts it on {@code events:identity}; returns the event id. */
    static String publishUserRegistered(RedisDataSource redis, String eventId, UUID userId, String email) {
        return publishIdentity(redis, eventId, "dev.groundwork.identity.user.registered.v1", userId,
                JsonNodeFactory.instance.objectNode().put("userId", userId.toString()).put("email", email).put("createdAt", "2026-12-01T08:00:00Z"));
    }

    /** auth-service's {@code user.deleted}, as it puts it on {@code events:identity}; returns the event id. */
    static String publishUserDeleted(RedisDataSource redis, String eventId, UUID userId) {
        return publishIdentity(redis, eventId, "dev.groundwork.identity.user.deleted.v1", userId,
                JsonNodeFactory.instance.objectNode().put("userId", userId.toString()));
    }

    private static String publishIdentity(RedisDataSource redis, String eventId, String type, UUID userId, ObjectNode data) {
        redis.execute("XADD", "events:identity", "*", "event", EventCodec.encode(eventId, "identity", type, userId.toString(), data,
                EventCodec.Trace.NONE));
        return eventId;
    }
}
