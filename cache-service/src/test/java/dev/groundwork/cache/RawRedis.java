package dev.groundwork.cache;

import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.redis.client.Command;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** The test's own view of the module's Redis database, beside the API. */
final class RawRedis {

    private RawRedis() {
    }

    static Response call(Redis redis, String command, Object... args) {
        Request request = Request.cmd(Command.create(command));
        for (Object arg : args) {
            if (arg instanceof byte[] bytes) {
                request.arg(bytes);
            } else {
                request.arg(String.valueOf(arg));
            }
        }
        return redis.send(request).await().atMost(Duration.ofSeconds(5));
    }

    static String get(Redis redis, String key) {
        Response r = call(redis, "GET", key);
        return r == null ? null : r.toString();
    }

    static long ttl(Redis redis, String key) {
        return call(redis, "TTL", key).toLong();
    }

    /**
     * Every key of the database with its DUMP (value and type), to show that nothing changed; keys that expire within
     * a minute are left out (their going is Redis' doing, not the request's).
     */
    static TreeMap<String, String> snapshot(Redis redis) {
        TreeMap<String, String> out = new TreeMap<>();
        String cursor = "0";
        do {
            Response page = call(redis, "SCAN", cursor, "COUNT", 1000);
            cursor = page.get(0).toString();
            for (Response key : page.get(1)) {
                long pttl = call(redis, "PTTL", key.toBytes()).toLong();
                if (pttl >= 0 && pttl < 60_000) {
                    continue;
                }
                Response dump = call(redis, "DUMP", key.toBytes());
                out.put(new String(key.toBytes(), StandardCharsets.ISO_8859_1),
                        dump == null ? "-" : java.util.HexFormat.of().formatHex(dump.toBytes()));
            }
        } while (!"0".equals(cursor));
        return out;
    }

    static List<String> keys(Redis redis, String pattern) {
        List<String> out = new ArrayList<>();
        String cursor = "0";
        do {
            Response page = call(redis, "SCAN", cursor, "MATCH", pattern, "COUNT", 1000);
            cursor = page.get(0).toString();
            for (Response key : page.get(1)) {
                out.add(key.toString());
            }
        } while (!"0".equals(cursor));
        return out;
    }
}
