package dev.groundwork.cache.service;

import dev.groundwork.cache.config.CacheConfig;
import dev.groundwork.cache.service.CommandPolicy.Prepared;
import dev.groundwork.cache.service.Reply.Failure;
import dev.groundwork.cache.service.Reply.Outcome;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.redis.client.Command;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Runs the Upstash API's commands for a namespace: checked and prefixed by {@link CommandPolicy}, a write followed
 * in the same MULTI/EXEC by {@code EXPIRE key <default> NX} and {@code EXPIRE key <max> LT} for every key it wrote
 * (so that every key has a TTL, never above the namespace's maximum), results stripped of the prefix.
 */
@ApplicationScoped
public class UpstashCommands {

    /** Commands whose reply names a key (first element): the prefix comes off. */
    static final Set<String> KEY_IN_REPLY = Set.of("lmpop", "zmpop");
    static final Set<String> PER_ELEMENT_READS = Set.of("mget", "hmget");
    private static final int KEYS_SCAN_COUNT = 1000;

    @Inject
    PipelinedRedis pipelined;
    @Inject
    CommandPolicy policy;
    @Inject
    Namespaces namespaces;
    @Inject
    NamespaceStats stats;
    @Inject
    RateLimits rateLimits;
    @Inject
    CacheConfig config;

    /** The namespace a token opens, counted against its requests per second. */
    public Access admit(String token) {
        Access access = namespaces.authenticate(token).orElse(null);
        if (access == null) {
            stats.refused(null, "token");
            throw CacheError.unauthorized();
        }
        if (!rateLimits.allow(access.namespace(), access.policy().requestsPerSecond())) {
            stats.refused(access.namespace(), "rate");
            throw new CacheError(429, CacheError.RATE_LIMITED.formatted(access.policy().requestsPerSecond()));
        }
        return access;
    }

    public void checkLength(int commands) {
        if (commands > config.maxPipelineLength()) {
            throw CacheError.badRequest(CacheError.PIPELINE_TOO_LONG.formatted(config.maxPipelineLength()));
        }
    }

    /** One command: its result, or a {@link CacheError} (Redis' own error included, with status 400). */
    public Uni<Object> single(Access access, List<byte[]> argv) {
        Prepared prepared = prepare(access, argv);
        return run(access, prepared).map(result -> {
            if (result instanceof Failure failure) {
                throw CacheError.badRequest(failure.message());
            }
            return result;
        });
    }

    /** Each command on its own, in order; a refused or failed command is an error entry, the others run. */
    public Uni<List<Outcome>> pipeline(Access access, List<List<byte[]>> commands) {
        checkLength(commands.size());
        return Multi.createFrom().iterable(commands)
                .onItem().transformToUniAndConcatenate(argv -> {
                    Prepared prepared;
                    try {
                        prepared = prepare(access, argv);
                    } catch (CacheError e) {
                        return Uni.createFrom().item(new Outcome(null, e.getMessage()));
                    }
                    return run(access, prepared).map(Outcome::of)
                            .onFailure(CacheError.class).recoverWithItem(e -> new Outcome(null, e.getMessage()));
                })
                .collect().asList();
    }

    /** All or nothing: every command is checked first (one refusal refuses the transaction), then MULTI ... EXEC. */
    public Uni<List<Outcome>> transaction(Access access, List<List<byte[]>> commands) {
        checkLength(commands.size());
        List<Prepared> prepared = new ArrayList<>();
        for (List<byte[]> argv : commands) {
            Prepared p = prepare(access, argv);
            if ((p.rewrite() != CommandPolicy.Rewrite.NONE && p.rewrite() != CommandPolicy.Rewrite.SCAN) || p.movableKeys()) {
                stats.refused(access.namespace(), "command");
                throw CacheError.refused(p.name(), "it cannot run inside a transaction here (run it on its own)");
            }
            prepared.add(p);
        }
        List<Request> batch = new ArrayList<>();
        batch.add(Request.cmd(Command.MULTI));
        List<Integer> resultIndex = new ArrayList<>();
        int index = 0;
        for (Prepared p : prepared) {
            batch.add(request(p.argv()));
            resultIndex.add(index++);
            for (Request expire : expires(access, p)) {
                batch.add(expire);
                index++;
            }
        }
        batch.add(Request.cmd(Command.EXEC));
        return pipelined.batch(batch)
                .onFailure().transform(this::failure)
                .map(responses -> {
                    Object exec = Reply.of(responses.get(responses.size() - 1));
                    if (!(exec instanceof List<?> results)) {
                        throw CacheError.badRequest("ERR the transaction was aborted");
                    }
                    List<Outcome> outcomes = new ArrayList<>();
                    for (int i = 0; i < prepared.size(); i++) {
                        Object result = finish(access, prepared.get(i), results.get(resultIndex.get(i)));
                        outcomes.add(Outcome.of(result));
                    }
                    return outcomes;
                });
    }

    private Prepared prepare(Access access, List<byte[]> argv) {
        try {
            return policy.prepare(access, argv, stats.keys(access.namespace()));
        } catch (CacheError e) {
            stats.refused(access.namespace(), e.status() == 403 ? "command" : "invalid");
            throw e;
        }
    }

    private Uni<Object> run(Access access, Prepared p) {
        stats.command(access.namespace(), p.kind());
        if (p.rewrite() == CommandPolicy.Rewrite.KEYS) {
            return keys(access, p.argv().get(1));
        }
        if (p.rewrite() == CommandPolicy.Rewrite.FLUSHDB) {
            return flush(access);
        }
        if (p.rewrite() == CommandPolicy.Rewrite.DBSIZE) {
            return keys(access, Keys.bytes("*")).map(keys -> (Object) (long) ((List<?>) keys).size());
        }
        Uni<Void> verified = p.movableKeys() ? verifyKeys(access, p) : Uni.createFrom().voidItem();
        List<Request> expires = expires(access, p);
        Uni<Object> result;
        if (expires.isEmpty()) {
            result = verified.chain(() -> "read".equals(p.kind()) ? pipelined.read(request(p.argv())) : pipelined.send(request(p.argv())))
                    .map(Reply::of)
                    .onFailure(e -> !(e instanceof CacheError)).recoverWithUni(e -> redisError(e));
        } else {
            List<Request> batch = new ArrayList<>();
            batch.add(Request.cmd(Command.MULTI));
            batch.add(request(p.argv()));
            batch.addAll(expires);
            batch.add(Request.cmd(Command.EXEC));
            result = verified.chain(() -> pipelined.batch(batch))
                    .map(responses -> {
                        Object exec = Reply.of(responses.get(responses.size() - 1));
                        return exec instanceof List<?> list ? list.get(0) : exec;
                    })
                    .onFailure(e -> !(e instanceof CacheError)).recoverWithUni(e -> redisError(e));
        }
        return result.map(r -> finish(access, p, r))
                .onFailure(CacheError.class).transform(e -> new CacheError(((CacheError) e).status(), strip(access, e.getMessage())));
    }

    private Object finish(Access access, Prepared p, Object result) {
        byte[] prefix = Keys.bytes(access.prefix());
        if (result instanceof Failure failure) {
            return new Failure(strip(access, failure.message()));
        }
        if (p.rewrite() == CommandPolicy.Rewrite.SCAN && result instanceof List<?> page && page.size() == 2 && page.get(1) instanceof List<?> keys) {
            return List.of(page.get(0), keys.stream().map(k -> k instanceof byte[] b ? Keys.stripped(prefix, b) : k).toList());
        }
        if (CommandPolicy.STREAM_READS.contains(p.name()) && result instanceof List<?> streams) {
            // [[stream, entries], …]: each stream's name loses the prefix.
            return streams.stream().map(stream -> stream instanceof List<?> pair && !pair.isEmpty() && pair.get(0) instanceof byte[] key
                    ? Arrays.asList(Keys.stripped(prefix, key), pair.get(1)) : stream).toList();
        }
        if (KEY_IN_REPLY.contains(p.name()) && result instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof byte[] key) {
            List<Object> out = new ArrayList<>(list);
            out.set(0, Keys.stripped(prefix, key));
            return out;
        }
        if ("read".equals(p.kind()) && p.keyed()) {
            if (PER_ELEMENT_READS.contains(p.name()) && result instanceof List<?> values) {
                values.forEach(v -> stats.read(access.namespace(), v != null));
            } else {
                stats.read(access.namespace(), result != null);
            }
        }
        return result;
    }

    /** Redis' own parse of a movable-keys command: every key it finds must be the namespace's. */
    private Uni<Void> verifyKeys(Access access, Prepared p) {
        Request getKeys = Request.cmd(Command.COMMAND).arg("GETKEYS");
        p.argv().forEach(getKeys::arg);
        byte[] prefix = Keys.bytes(access.prefix());
        return pipelined.send(getKeys)
                .onFailure().recoverWithUni(e -> redisError(e).map(f -> null))
                .map(keys -> {
                    if (keys != null) {
                        for (Response key : keys) {
                            if (!Keys.startsWith(key.toBytes(), prefix)) {
                                stats.refused(access.namespace(), "command");
                                throw CacheError.refused(p.name(), "Redis finds a key in it outside the namespace");
                            }
                        }
                    }
                    return null;
                });
    }

    /** KEYS as a walk of SCAN with the namespace's MATCH: never the O(all keys) KEYS on the shared Redis. */
    private Uni<Object> keys(Access access, byte[] clientPattern) {
        byte[] prefix = Keys.bytes(access.prefix());
        byte[] pattern = Keys.prefixed(prefix, clientPattern);
        List<Object> found = new ArrayList<>();
        return scanFrom("0", pattern, prefix, found).map(done -> (Object) found)
                .onFailure(e -> !(e instanceof CacheError)).recoverWithUni(e -> redisError(e));
    }

    /** FLUSHDB for a namespace: its keys unlinked page by page; other namespaces and the fleet's keys untouched. */
    private Uni<Object> flush(Access access) {
        byte[] prefix = Keys.bytes(access.prefix());
        return scanFrom("0", Keys.prefixed(prefix, Keys.bytes("*")), prefix, null)
                .map(done -> (Object) new Reply.Status("OK"))
                .onFailure(e -> !(e instanceof CacheError)).recoverWithUni(e -> redisError(e));
    }

    /** Walks SCAN with the pattern; adds the keys found (without prefix) to {@code found}, or unlinks them when it is null. */
    private Uni<Void> scanFrom(String cursor, byte[] pattern, byte[] prefix, List<Object> found) {
        Request scan = Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(KEYS_SCAN_COUNT);
        return pipelined.send(scan).chain(page -> {
            String next = page.get(0).toString();
            Uni<Void> done = Uni.createFrom().voidItem();
            if (found == null) {
                Request unlink = Request.cmd(Command.UNLINK);
                int keys = 0;
                for (Response key : page.get(1)) {
                    byte[] raw = key.toBytes();
                    if (Keys.startsWith(raw, prefix)) {
                        unlink.arg(raw);
                        keys++;
                    }
                }
                if (keys > 0) {
                    done = pipelined.send(unlink).replaceWithVoid();
                }
            } else if (found != null) {
                for (Response key : page.get(1)) {
                    found.add(Keys.stripped(prefix, key.toBytes()));
                }
            }
            return done.chain(() -> "0".equals(next) ? Uni.createFrom().voidItem() : scanFrom(next, pattern, prefix, found));
        });
    }

    private List<Request> expires(Access access, Prepared p) {
        List<Request> out = new ArrayList<>();
        for (byte[] key : p.writtenKeys()) {
            out.add(Request.cmd(Command.EXPIRE).arg(key).arg(access.policy().defaultTtlSeconds()).arg("NX"));
            out.add(Request.cmd(Command.EXPIRE).arg(key).arg(access.policy().maxTtlSeconds()).arg("LT"));
        }
        return out;
    }

    private static Request request(List<byte[]> argv) {
        Request request = Request.cmd(Command.create(new String(argv.get(0), StandardCharsets.UTF_8)));
        for (int i = 1; i < argv.size(); i++) {
            request.arg(argv.get(i));
        }
        return request;
    }

    private <T> Uni<T> redisError(Throwable e) {
        return Uni.createFrom().failure(failure(e));
    }

    /** A Redis error reply is the client's (400); anything else means Redis cannot be reached (503). */
    private Throwable failure(Throwable e) {
        if (e instanceof CacheError) {
            return e;
        }
        if (e instanceof io.vertx.redis.client.impl.types.ErrorType error && !PipelinedRedis.connectionLost(e)) {
            return CacheError.badRequest(error.getMessage());
        }
        io.quarkus.logging.Log.warnf("Redis call failed: %s", e.toString());
        return new CacheError(503, CacheError.UNAVAILABLE);
    }

    private static String strip(Access access, String message) {
        return message == null ? null : message.replace(access.prefix(), "");
    }
}
