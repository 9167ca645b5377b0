package dev.groundwork.entrycache;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The entries of one cache-service namespace, read and written straight on Redis. cache-service's entries API and
 * the gateway's response cache both use this class, so both keep the same layout and the same rules:
 * <ul>
 * <li>{@code cache:<ns>.e:<key>}: the entry, a hash (value, content type, tags, stored-at, fresh-until,
 * stale-until, ETag) that Redis removes at the end of its stale window;</li>
 * <li>{@code cache:<ns>.t:<tag>}: the keys of a tag, a sorted set scored by each key's removal time. Every write
 * to the tag trims what has expired, and the set itself expires with its last key: the bookkeeping never outgrows
 * the live entries (the known failure of tag-set designs);</li>
 * <li>{@code cache:<ns>.l:<key>}: the lease on a missing or stale key (Facebook's memcache leases): one caller
 * fills it, the others get the stale value or wait. Deleting or invalidating the key removes the lease;</li>
 * <li>{@code cache:<ns>.i:<tag>}: when the tag was last invalidated, kept as long as a lease can live, so that a
 * fill whose lease was taken before the invalidation is refused even though its key was missing then;</li>
 * <li>{@code cache:<ns>.p}: the namespace's policy, published by cache-service ({@link #publishPolicy}).</li>
 * </ul>
 * A namespace name never contains a dot, so none of these can be an Upstash key ({@code cache:<ns>:<key>}). Every
 * step that must see one state runs as one Lua script, on Redis's clock: replicas agree, whatever their clocks.
 */
public final class EntryCache {

    /** The longest a lease may be held: also how long an invalidation marker is kept. */
    public static final Duration MAX_LEASE = Duration.ofSeconds(60);
    /** Tags one entry may carry. */
    public static final int MAX_TAGS = 32;
    /** The longest key and tag, in bytes. */
    public static final int MAX_KEY_BYTES = 1024;
    public static final int MAX_TAG_BYTES = 256;
    /** Keys of a tag removed per script run: each run holds Redis for about a millisecond. */
    static final int INVALIDATION_BATCH = 1000;
    private static final long FIRST_WAIT_MILLIS = 5;
    private static final long LONGEST_WAIT_MILLIS = 50;

    // KEYS: entry, lease. ARGV: lease token to take on a miss or a stale hit ('' = none), lease ttl (ms).
    // Returns {status, now, lease, value, content type, tags, stored-at, fresh-until, stale-until, etag}.
    private static final Script LOOKUP = new Script("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local e = redis.call('HMGET', KEYS[1], 'v', 'ct', 'tg', 'st', 'fx', 'sx', 'et')
            local status = 'miss'
            if e[1] then
              if now < tonumber(e[5]) then
                return {'hit', now, '', e[1], e[2], e[3], e[4], e[5], e[6], e[7]}
              elseif now < tonumber(e[6]) then
                status = 'stale'
              end
            end
            local lease = ''
            if ARGV[1] ~= '' then
              local granted = t[1] .. string.format('%06d', tonumber(t[2]))
              if redis.call('SET', KEYS[2], ARGV[1] .. ' ' .. granted, 'NX', 'PX', ARGV[2]) then
                lease = ARGV[1]
              end
            end
            if status == 'stale' then
              return {'stale', now, lease, e[1], e[2], e[3], e[4], e[5], e[6], e[7]}
            end
            return {'miss', now, lease}
            """);

    // KEYS: entry, lease. ARGV: prefix, key, lease token ('' = a plain write, which voids any lease), value,
    // content type, ttl (ms), stale window (ms), etag, tags joined by newlines. Returns 'stored' or 'voided'.
    private static final Script FILL = new Script("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local p, key = ARGV[1], ARGV[2]
            if ARGV[3] ~= '' then
              local held = redis.call('GET', KEYS[2])
              if not held then return 'voided' end
              local space = string.find(held, ' ', 1, true)
              if string.sub(held, 1, space - 1) ~= ARGV[3] then return 'voided' end
              local granted = tonumber(string.sub(held, space + 1))
              for tag in string.gmatch(ARGV[9], '[^\\n]+') do
                local invalidated = redis.call('GET', p .. 'i:' .. tag)
                if invalidated and tonumber(invalidated) >= granted then
                  redis.call('DEL', KEYS[2])
                  return 'voided'
                end
              end
            end
            redis.call('DEL', KEYS[2])
            local tags = {}
            for tag in string.gmatch(ARGV[9], '[^\\n]+') do tags[tag] = true end
            local old = redis.call('HGET', KEYS[1], 'tg')
            if old then
              for tag in string.gmatch(old, '[^\\n]+') do
                if not tags[tag] then redis.call('ZREM', p .. 't:' .. tag, key) end
              end
            end
            local fresh = now + tonumber(ARGV[6])
            local gone = fresh + tonumber(ARGV[7])
            redis.call('HSET', KEYS[1], 'v', ARGV[4], 'ct', ARGV[5], 'tg', ARGV[9], 'st', now, 'fx', fresh, 'sx', gone, 'et', ARGV[8])
            redis.call('PEXPIREAT', KEYS[1], gone)
            for tag in pairs(tags) do
              local set = p .. 't:' .. tag
              redis.call('ZADD', set, gone, key)
              redis.call('ZREMRANGEBYSCORE', set, '-inf', now)
              if redis.call('PEXPIRETIME', set) < gone then redis.call('PEXPIREAT', set, gone) end
            end
            return 'stored'
            """);

    // KEYS: entry, lease. ARGV: prefix, key. Returns 1 if an entry was removed.
    private static final Script DELETE = new Script("""
            local old = redis.call('HGET', KEYS[1], 'tg')
            if old then
              for tag in string.gmatch(old, '[^\\n]+') do redis.call('ZREM', ARGV[1] .. 't:' .. tag, ARGV[2]) end
            end
            redis.call('DEL', KEYS[2])
            return redis.call('DEL', KEYS[1])
            """);

    // KEYS: lease. ARGV: token. Deletes the lease if this token holds it; returns 1 if it did.
    private static final Script RELEASE = new Script("""
            local held = redis.call('GET', KEYS[1])
            if held and string.sub(held, 1, #ARGV[1] + 1) == ARGV[1] .. ' ' then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """);

    // ARGV: prefix, tag, marker ttl (ms), batch. Marks the tag invalidated, removes up to a batch of its keys with
    // their leases. Returns {keys taken from the set, entries removed}.
    private static final Script INVALIDATE_TAG = new Script("""
            local t = redis.call('TIME')
            local p = ARGV[1]
            redis.call('SET', p .. 'i:' .. ARGV[2], t[1] .. string.format('%06d', tonumber(t[2])), 'PX', ARGV[3])
            local set = p .. 't:' .. ARGV[2]
            local keys = redis.call('ZRANGE', set, 0, tonumber(ARGV[4]) - 1)
            local removed = 0
            for _, key in ipairs(keys) do
              removed = removed + redis.call('UNLINK', p .. 'e:' .. key)
              redis.call('UNLINK', p .. 'l:' .. key)
            end
            if #keys > 0 then redis.call('ZREM', set, unpack(keys)) end
            return {#keys, removed}
            """);

    /** One write. {@code etag} may be null: then it is computed from the value. */
    public record Write(byte[] value, String contentType, List<String> tags, Duration ttl, Duration stale, String etag) {

        public Write {
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("the TTL must be positive");
            }
            if (stale.isNegative()) {
                throw new IllegalArgumentException("the stale window cannot be negative");
            }
            tags = checkTags(tags);
        }
    }

    private final Vertx vertx;
    private final Redis redis;
    private final String prefix;

    /** The entries of a namespace ({@code cache:<namespace>.}). */
    public EntryCache(Vertx vertx, Redis redis, String namespace) {
        this.vertx = vertx;
        this.redis = redis;
        this.prefix = prefixOf(namespace);
    }

    /** Where all of a namespace's entries, tags, leases and markers live: {@code cache:<namespace>.}. */
    public static String prefixOf(String namespace) {
        if (namespace.isEmpty() || namespace.indexOf('.') >= 0 || namespace.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a namespace name has no dot and no colon");
        }
        return "cache:" + namespace + ".";
    }

    /** Reads the key; never takes a lease. */
    public Future<Lookup> get(String key) {
        return lookup(key, "", 0);
    }

    /**
     * Reads the key and, on a miss or a stale hit, takes its lease if nobody holds it. The caller that gets the lease
     * fills the key ({@link #fill}) or lets the lease expire; a lease-less miss means somebody else is filling it.
     */
    public Future<Lookup> getWithLease(String key, Duration leaseTtl) {
        return lookup(key, newToken(), leaseMillis(leaseTtl));
    }

    /**
     * {@link #getWithLease}, but a miss while another caller holds the lease waits (up to {@code wait}) for its fill,
     * or for the lease to come free. What is left after the wait is a miss without a lease.
     */
    public Future<Lookup> getOrWait(String key, Duration leaseTtl, Duration wait) {
        String token = newToken();
        long leaseMillis = leaseMillis(leaseTtl);
        long deadline = System.nanoTime() + wait.toNanos();
        Promise<Lookup> answer = Promise.promise();
        poll(key, token, leaseMillis, deadline, FIRST_WAIT_MILLIS, answer);
        return answer.future();
    }

    private void poll(String key, String token, long leaseMillis, long deadline, long pause, Promise<Lookup> answer) {
        lookup(key, token, leaseMillis).onComplete(result -> {
            if (result.failed()) {
                answer.fail(result.cause());
                return;
            }
            Lookup lookup = result.result();
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (lookup.status() != Lookup.Status.MISS || lookup.leased() || left <= 0) {
                answer.complete(lookup);
                return;
            }
            vertx.setTimer(Math.max(1, Math.min(pause, left)),
                    timer -> poll(key, token, leaseMillis, deadline, Math.min(pause * 2, LONGEST_WAIT_MILLIS), answer));
        });
    }

    /** Reads several keys in one round trip, without leases. */
    public Future<List<Lookup>> getAll(List<String> keys) {
        if (keys.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        List<Future<Lookup>> reads = new ArrayList<>(keys.size());
        for (String key : keys) {
            reads.add(get(key));
        }
        return Future.all(reads).map(all -> {
            List<Lookup> found = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                found.add(all.resultAt(i));
            }
            return found;
        });
    }

    /**
     * Stores a value. With a lease (from a read), only if the lease is still held and no tag of the value was
     * invalidated since it was taken; without one, always, voiding any lease on the key (this value is newer than
     * whatever the lease holder read).
     */
    public Future<Fill> fill(String key, Write write, String lease) {
        byte[] keyBytes = checkKey(key);
        String etag = write.etag() != null ? write.etag() : etagOf(write.value());
        return FILL.run(redis, new Object[]{entryKey(keyBytes), leaseKey(keyBytes)}, prefix, keyBytes, lease == null ? "" : lease,
                        write.value(), write.contentType() == null ? "" : write.contentType(), write.ttl().toMillis(),
                        write.stale().toMillis(), etag, String.join("\n", write.tags()))
                .map(reply -> "stored".equals(reply.toString()) ? Fill.STORED : Fill.LEASE_VOIDED);
    }

    /**
     * Gives a lease back without filling (the origin failed): the next reader takes it at once instead of waiting
     * for it to expire. True if this lease was still held.
     */
    public Future<Boolean> release(String key, String lease) {
        byte[] keyBytes = checkKey(key);
        return RELEASE.run(redis, new Object[]{leaseKey(keyBytes)}, lease).map(reply -> reply.toLong() > 0);
    }

    /** Removes the key and voids its lease; true if there was an entry. */
    public Future<Boolean> delete(String key) {
        byte[] keyBytes = checkKey(key);
        return DELETE.run(redis, new Object[]{entryKey(keyBytes), leaseKey(keyBytes)}, prefix, keyBytes)
                .map(reply -> reply.toLong() > 0);
    }

    /**
     * Removes every entry of the tag and voids their leases, and refuses fills of the tag whose leases were taken
     * before now. Runs in batches, so that Redis serves others between them. Answers how many entries went.
     */
    public Future<Long> invalidateTag(String tag) {
        checkTags(List.of(tag));
        return invalidateTagBatch(tag, 0);
    }

    private Future<Long> invalidateTagBatch(String tag, long removedSoFar) {
        return INVALIDATE_TAG.run(redis, new Object[0], prefix, tag, MAX_LEASE.toMillis(), INVALIDATION_BATCH).compose(reply -> {
            long removed = removedSoFar + reply.get(1).toLong();
            return reply.get(0).toLong() < INVALIDATION_BATCH ? Future.succeededFuture(removed) : invalidateTagBatch(tag, removed);
        });
    }

    /**
     * Removes every entry whose key starts with the prefix and voids their leases (SCAN, never KEYS). An entry
     * stays in its tags' sets until they trim it: invalidating such a tag later removes nothing more.
     */
    public Future<Long> invalidatePrefix(String keyPrefix) {
        String pattern = globEscaped(keyPrefix) + "*";
        return scanAndUnlink(prefix + "e:" + pattern, "0", 0)
                .compose(removed -> scanAndUnlink(prefix + "l:" + pattern, "0", 0).map(leases -> removed));
    }

    private Future<Long> scanAndUnlink(String pattern, String cursor, long removedSoFar) {
        return redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(1000)).compose(page -> {
            String next = page.get(0).toString();
            Response keys = page.get(1);
            Future<Long> unlinked = Future.succeededFuture(0L);
            if (keys.size() > 0) {
                Request unlink = Request.cmd(Command.UNLINK);
                for (Response key : keys) {
                    unlink.arg(key.toBytes());
                }
                unlinked = redis.send(unlink).map(Response::toLong);
            }
            return unlinked.compose(n -> "0".equals(next) ? Future.succeededFuture(removedSoFar + n)
                    : scanAndUnlink(pattern, next, removedSoFar + n));
        });
    }

    /**
     * cache-service, after each reload of its namespaces: the namespace's policy, kept for {@code keep} (so that a
     * namespace that is gone stops having one). Several replicas writing the same policy is harmless.
     */
    public Future<Void> publishPolicy(EntryPolicy policy, Duration keep) {
        return redis.send(Request.cmd(Command.HSET).arg(prefix + "p")
                        .arg("max-ttl").arg(policy.maxTtl().toMillis()).arg("stale").arg(policy.stale().toMillis())
                        .arg("lease-ttl").arg(policy.leaseTtl().toMillis()).arg("lease-wait").arg(policy.leaseWait().toMillis())
                        .arg("max-value-bytes").arg(policy.maxValueBytes()))
                .compose(set -> redis.send(Request.cmd(Command.PEXPIRE).arg(prefix + "p").arg(keep.toMillis())))
                .mapEmpty();
    }

    /** The policy cache-service published for the namespace, or null when there is none (cache-service not running). */
    public Future<EntryPolicy> policy() {
        return redis.send(Request.cmd(Command.HMGET).arg(prefix + "p").arg("max-ttl").arg("stale").arg("lease-ttl").arg("lease-wait")
                .arg("max-value-bytes")).map(reply -> {
                    for (Response field : reply) {
                        if (field == null) {
                            return null;
                        }
                    }
                    return new EntryPolicy(Duration.ofMillis(reply.get(0).toLong()), Duration.ofMillis(reply.get(1).toLong()),
                            Duration.ofMillis(reply.get(2).toLong()), Duration.ofMillis(reply.get(3).toLong()), reply.get(4).toLong());
                });
    }

    /** How many keys the tag's set holds (live or not yet trimmed), for stats and tests. */
    public Future<Long> tagSize(String tag) {
        return redis.send(Request.cmd(Command.ZCARD).arg(prefix + "t:" + tag)).map(Response::toLong);
    }

    private Future<Lookup> lookup(String key, String token, long leaseMillis) {
        byte[] keyBytes = checkKey(key);
        return LOOKUP.run(redis, new Object[]{entryKey(keyBytes), leaseKey(keyBytes)}, token, leaseMillis).map(EntryCache::lookupOf);
    }

    private static Lookup lookupOf(Response reply) {
        String status = reply.get(0).toString();
        long now = reply.get(1).toLong();
        String lease = reply.get(2).toString();
        String leased = lease.isEmpty() ? null : lease;
        if ("miss".equals(status)) {
            return new Lookup(Lookup.Status.MISS, null, leased, now);
        }
        String tags = reply.get(5).toString();
        Entry entry = new Entry(reply.get(3).toBytes(), emptyToNull(reply.get(4).toString()),
                tags.isEmpty() ? List.of() : List.of(tags.split("\n")), reply.get(6).toLong(), reply.get(7).toLong(),
                reply.get(8).toLong(), reply.get(9).toString());
        return new Lookup("hit".equals(status) ? Lookup.Status.HIT : Lookup.Status.STALE, entry, leased, now);
    }

    /** The key's bytes; refuses an empty key, one longer than {@link #MAX_KEY_BYTES} or one with control characters. */
    public static byte[] checkKey(String key) {
        byte[] bytes = key == null ? new byte[0] : key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > MAX_KEY_BYTES || key.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a key is 1 to " + MAX_KEY_BYTES + " bytes of UTF-8 without control characters");
        }
        return bytes;
    }

    /** The tags without repeats; refuses more than {@link #MAX_TAGS} and tags that are not 1 to 256 printable ASCII characters without spaces. */
    public static List<String> checkTags(List<String> tags) {
        if (tags == null) {
            return List.of();
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>(tags);
        if (unique.size() > MAX_TAGS) {
            throw new IllegalArgumentException("at most " + MAX_TAGS + " tags per entry");
        }
        for (String tag : unique) {
            if (tag == null || tag.isEmpty() || tag.length() > MAX_TAG_BYTES || !tag.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("a tag is 1 to " + MAX_TAG_BYTES + " printable ASCII characters without spaces");
            }
        }
        return List.copyOf(unique);
    }

    /** A strong ETag from the value's {@link #digest}. */
    public static String etagOf(byte[] value) {
        return "\"" + digest(value) + "\"";
    }

    /** The first 128 bits of the bytes' SHA-256, base64url without padding (22 characters): fit for a key or a tag. */
    public static String digest(byte[] bytes) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(bytes), 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] entryKey(byte[] key) {
        return concat(prefix + "e:", key);
    }

    private byte[] leaseKey(byte[] key) {
        return concat(prefix + "l:", key);
    }

    private static byte[] concat(String head, byte[] tail) {
        byte[] headBytes = head.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(headBytes, headBytes.length + tail.length);
        System.arraycopy(tail, 0, out, headBytes.length, tail.length);
        return out;
    }

    private static long leaseMillis(Duration leaseTtl) {
        if (leaseTtl.isNegative() || leaseTtl.isZero() || leaseTtl.compareTo(MAX_LEASE) > 0) {
            throw new IllegalArgumentException("a lease lasts more than 0 and at most " + MAX_LEASE.toSeconds() + " s");
        }
        return leaseTtl.toMillis();
    }

    private static String newToken() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
    }

    private static String globEscaped(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
