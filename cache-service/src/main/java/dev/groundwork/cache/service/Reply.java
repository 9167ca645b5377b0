package dev.groundwork.cache.service;

import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;

import java.util.ArrayList;
import java.util.List;

/**
 * A Redis reply as the REST layer writes it: {@link Status} (a status reply such as OK), {@code byte[]} (a bulk
 * string), {@code Long}, {@code null}, {@code List} of these, or {@link Failure} (an error inside a transaction).
 */
public final class Reply {

    public record Status(String text) {
    }

    public record Failure(String message) {
    }

    /** One command's outcome in a pipeline or transaction: a result, or an error in Upstash's words. */
    public record Outcome(Object result, String error) {

        public static Outcome of(Object result) {
            return result instanceof Failure failure ? new Outcome(null, failure.message()) : new Outcome(result, null);
        }
    }

    private Reply() {
    }

    public static Object of(Response response) {
        if (response == null) {
            return null;
        }
        ResponseType type = response.type();
        return switch (type) {
            case SIMPLE -> new Status(response.toString());
            case BULK -> response.toBytes();
            case NUMBER -> response.toLong();
            case ERROR -> new Failure(response.toString());
            case BOOLEAN -> response.toBoolean() ? 1L : 0L;
            case MULTI -> {
                List<Object> items = new ArrayList<>(response.size());
                for (int i = 0; i < response.size(); i++) {
                    items.add(of(response.get(i)));
                }
                yield items;
            }
            default -> response.toString() == null ? null : response.toBytes();
        };
    }
}
