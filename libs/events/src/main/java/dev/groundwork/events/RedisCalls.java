package dev.groundwork.events;

import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers for the RESP2 replies of the stream commands. */
final class RedisCalls {

    private RedisCalls() {
    }

    static Request cmd(Command command, Object... args) {
        Request request = Request.cmd(command);
        for (Object arg : args) {
            request.arg(arg.toString());
        }
        return request;
    }

    /** A stream entry's flat [field, value, …] array as a map (null fields: an entry deleted meanwhile). */
    static Map<String, String> fields(Response flat) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (flat == null) {
            return fields;
        }
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put(flat.get(i).toString(), flat.get(i + 1) == null ? null : flat.get(i + 1).toString());
        }
        return fields;
    }

    /** XINFO-style flat [name, value, …] reply as a map of responses. */
    static Map<String, Response> info(Response flat) {
        Map<String, Response> info = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            info.put(flat.get(i).toString(), flat.get(i + 1));
        }
        return info;
    }
}
