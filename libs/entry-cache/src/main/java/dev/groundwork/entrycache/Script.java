package dev.groundwork.entrycache;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A Lua script run by its SHA (EVALSHA), sent whole once when Redis does not know it yet (a restart, SCRIPT FLUSH). */
final class Script {

    private final String source;
    private final String sha;

    Script(String source) {
        this.source = source;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs it with these keys, then these arguments (String, byte[] or Number). */
    Future<Response> run(Redis redis, Object[] keys, Object... args) {
        return redis.send(request(Command.EVALSHA, sha, keys, args)).recover(failure -> {
            if (failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT")) {
                return redis.send(request(Command.EVAL, source, keys, args));
            }
            return Future.failedFuture(failure);
        });
    }

    private static Request request(Command command, String script, Object[] keys, Object[] args) {
        Request request = Request.cmd(command).arg(script).arg(keys.length);
        for (Object key : keys) {
            arg(request, key);
        }
        for (Object arg : args) {
            arg(request, arg);
        }
        return request;
    }

    private static void arg(Request request, Object value) {
        if (value instanceof byte[] bytes) {
            request.arg(bytes);
        } else if (value instanceof Number number) {
            request.arg(number.longValue());
        } else {
            request.arg(String.valueOf(value));
        }
    }
}
