// The real @upstash/redis client against cache-service (run by UpstashClientTest). Prints "ok <name>" per check;
// exits 1 on the first failure.
import { Redis } from "@upstash/redis";
import assert from "node:assert/strict";

const url = process.env.UPSTASH_REDIS_REST_URL;
const redis = new Redis({ url, token: process.env.UPSTASH_REDIS_REST_TOKEN });
const readOnly = new Redis({ url, token: process.env.UPSTASH_REDIS_REST_READONLY_TOKEN });
const stranger = new Redis({ url, token: "not-a-token-of-any-namespace", retry: false });

async function rejects(promise, pattern) {
  try {
    await promise;
  } catch (e) {
    assert.match(String(e.message), pattern);
    return;
  }
  assert.fail("expected an error matching " + pattern);
}

const checks = {
  async strings() {
    assert.equal(await redis.set("greeting", "hello world"), "OK");
    assert.equal(await redis.get("greeting"), "hello world");
    assert.equal(await redis.get("missing-key"), null);
    assert.equal(await redis.append("greeting", "!"), 12);
    assert.equal(await redis.strlen("greeting"), 12);
    assert.equal(await redis.type("greeting"), "string");
    assert.equal(await redis.ping(), "PONG");
  },
  async jsonValues() {
    await redis.set("profile", { name: "Ada", tags: ["x", "y"], n: 1 });
    assert.deepEqual(await redis.get("profile"), { name: "Ada", tags: ["x", "y"], n: 1 });
  },
  async numbers() {
    await redis.set("counter", 10);
    assert.equal(await redis.get("counter"), 10);
    assert.equal(await redis.incr("counter"), 11);
    assert.equal(await redis.incrby("counter", 5), 16);
    assert.equal(await redis.incrbyfloat("counter", 0.5), 16.5);
  },
  async hashes() {
    assert.equal(await redis.hset("user:1", { name: "Ada", age: 36 }), 2);
    assert.deepEqual(await redis.hgetall("user:1"), { name: "Ada", age: 36 });
    assert.equal(await redis.hget("user:1", "name"), "Ada");
    assert.equal(await redis.hincrby("user:1", "age", 1), 37);
  },
  async lists() {
    await redis.rpush("queue", "a", "b", "c");
    assert.deepEqual(await redis.lrange("queue", 0, -1), ["a", "b", "c"]);
    assert.equal(await redis.lpop("queue"), "a");
    assert.equal(await redis.lmove("queue", "queue2", "left", "right"), "b");
    assert.deepEqual(await redis.lrange("queue2", 0, -1), ["b"]);
  },
  async sets() {
    await redis.sadd("colours", "red", "green", "blue");
    assert.deepEqual((await redis.smembers("colours")).sort(), ["blue", "green", "red"]);
    assert.equal(await redis.sismember("colours", "red"), 1);
    await redis.sadd("warm", "red", "orange");
    assert.deepEqual(await redis.sinter("colours", "warm"), ["red"]);
  },
  async sortedSets() {
    await redis.zadd("board", { score: 1, member: "ada" }, { score: 2.5, member: "bob" });
    assert.deepEqual(await redis.zrange("board", 0, -1, { withScores: true }), ["ada", 1, "bob", 2.5]);
    assert.equal(await redis.zscore("board", "bob"), 2.5);
    assert.equal(await redis.zunionstore("board2", 2, ["board", "board"]), 2);
    assert.equal(await redis.zscore("board2", "bob"), 5);
  },
  async pipeline() {
    const p = redis.pipeline();
    p.set("p:1", "one");
    p.incr("p:n");
    p.get("p:1");
    p.hset("p:h", { f: "v" });
    assert.deepEqual(await p.exec(), ["OK", 1, "one", 1]);
  },
  async multi() {
    const tx = redis.multi();
    tx.set("tx:1", "a");
    tx.append("tx:1", "b");
    tx.get("tx:1");
    assert.deepEqual(await tx.exec(), ["OK", 2, "ab"]);
  },
  async scan() {
    for (const i of [1, 2, 3]) await redis.set(`scan:${i}`, i);
    const found = [];
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, { match: "scan:*", count: 100 });
      found.push(...keys);
      cursor = String(next);
    } while (cursor !== "0");
    assert.deepEqual(found.sort(), ["scan:1", "scan:2", "scan:3"]);
    assert.deepEqual((await redis.keys("scan:*")).sort(), ["scan:1", "scan:2", "scan:3"]);
    assert.ok((await redis.dbsize()) >= 3, "dbsize counts the namespace's keys");
  },
  async streams() {
    await redis.del("signups");
    const id = await redis.xadd("signups", "*", { user: "ada" });
    const [[stream, entries]] = await redis.xread("signups", "0");
    assert.equal(stream, "signups");
    assert.deepEqual(entries, [[id, ["user", "ada"]]]);
  },
  async expiry() {
    await redis.set("short", "v", { ex: 100 });
    const ttl = await redis.ttl("short");
    assert.ok(ttl > 90 && ttl <= 100, "ttl " + ttl);
    await redis.set("no-ttl-given", "v");
    assert.ok((await redis.ttl("no-ttl-given")) > 0, "a key written without TTL has the namespace's default");
    assert.equal(await redis.expire("short", 5), 1);
    assert.ok((await redis.ttl("short")) <= 5);
  },
  async errors() {
    await redis.set("a-string", "x");
    await rejects(redis.hget("a-string", "f"), /WRONGTYPE/);
    await rejects(redis.flushall(), /not available/);
    await rejects(redis.eval("return redis.call('get', 'gw:anything')", [], []), /not available/);
    await rejects(redis.publish("channel", "message"), /not available/);
    await rejects(redis.xread("a-stream", "0", { blockMS: 10 }), /not available/);
  },
  async unicodeAndBinary() {
    await redis.set("ключ 🔑", "значение ✓ — 値");
    assert.equal(await redis.get("ключ 🔑"), "значение ✓ — 値");
    const binary = "\u0000\u0001\u00ff\u00fe\n\r";
    await redis.set("binary-ish", binary);
    assert.equal(await redis.get("binary-ish"), binary);
  },
  async readOnlyToken() {
    await redis.set("shared", "from-writer");
    assert.equal(await readOnly.get("shared"), "from-writer");
    await rejects(readOnly.set("shared", "overwritten"), /NOPERM/);
    assert.equal(await redis.get("shared"), "from-writer");
  },
  async badToken() {
    await rejects(stranger.get("shared"), /Unauthorized/);
  },
  async flushdbEmptiesTheNamespace() {
    await redis.set("to-flush", "v");
    await rejects(readOnly.flushdb(), /NOPERM/);
    assert.equal(await redis.flushdb(), "OK");
    assert.equal(await redis.get("to-flush"), null);
    assert.deepEqual(await redis.keys("*"), []);
  },
};

const only = process.argv.slice(2);
for (const [name, check] of Object.entries(checks)) {
  if (only.length && !only.includes(name)) continue;
  try {
    await check();
    console.log("ok " + name);
  } catch (e) {
    console.log("FAILED " + name + ": " + (e.stack || e));
    process.exit(1);
  }
}
console.log("all ok");
