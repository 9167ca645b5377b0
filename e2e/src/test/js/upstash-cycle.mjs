// The local cache namespace "dev" as an app uses it: the real @upstash/redis client, configured only from the
// UPSTASH_REDIS_REST_* variables that ./groundwork up writes into .groundwork/local.env, through the gateway.
// Exits non-zero on the first step that does not behave as it does against Upstash.
import { Redis } from "@upstash/redis";
import assert from "node:assert/strict";

const redis = Redis.fromEnv();
const key = `launcher:${Date.now()}`;

assert.equal(await redis.set(key, { user: "Zoë", visits: 1 }), "OK");
assert.deepEqual(await redis.get(key), { user: "Zoë", visits: 1 }, "a JSON value round-trips");
const ttl = await redis.ttl(key);
assert.ok(ttl > 0, `a key written without a TTL gets the namespace's default one (ttl ${ttl})`);
assert.equal(await redis.incr(`${key}:n`), 1);
assert.ok((await redis.scan(0, { match: `${key}*`, count: 100 }))[1].includes(key), "SCAN sees the namespace's own keys, unprefixed");

const readOnly = new Redis({ url: process.env.UPSTASH_REDIS_REST_URL, token: process.env.UPSTASH_REDIS_REST_READONLY_TOKEN });
assert.deepEqual(await readOnly.get(key), { user: "Zoë", visits: 1 }, "the read-only token reads");
await assert.rejects(readOnly.set(key, "x"), "the read-only token cannot write");
await assert.rejects(redis.flushall(), "FLUSHALL is refused");

console.log(JSON.stringify({ ok: true, key }));
