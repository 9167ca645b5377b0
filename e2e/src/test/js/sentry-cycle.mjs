// An app's errors as a newcomer sends them: the real @sentry/node, configured only from the SENTRY_DSN that
// ./groundwork up writes into .groundwork/local.env (project "groundwork", through the gateway), then read back
// through the gateway's Sentry-shaped API with the local admin user's token. Exits non-zero on the first surprise.
import * as Sentry from "@sentry/node";
import assert from "node:assert/strict";

const run = `${Date.now()}`;
Sentry.init({ dsn: process.env.SENTRY_DSN, release: `newcomer@${run}`, environment: "local", defaultIntegrations: false });

function placeOrder(orderId) {
  throw new TypeError(`order ${orderId} has no customer (run ${run})`);
}
for (const orderId of [17, 42]) {
  try {
    placeOrder(orderId);
  } catch (error) {
    Sentry.captureException(error);
  }
}
assert.ok(await Sentry.flush(10000), "the SDK flushed its queue");

const gateway = process.env.GROUNDWORK_GATEWAY_URL;
const signIn = await fetch(`${process.env.GROUNDWORK_AUTH_URL}/token?grant_type=password`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ email: process.env.GROUNDWORK_ADMIN_EMAIL, password: process.env.GROUNDWORK_ADMIN_PASSWORD }),
});
assert.equal(signIn.status, 200, "the local admin signs in");
const { access_token: token } = await signIn.json();

// Processing runs beside ingest: poll for a few seconds.
let issues = [];
for (let attempt = 0; attempt < 50 && issues.length === 0; attempt++) {
  const list = await fetch(`${gateway}/monitoring/api/0/projects/groundwork/groundwork/issues/?query=${encodeURIComponent(`"run ${run}"`)}`,
    { headers: { authorization: `Bearer ${token}` } });
  assert.equal(list.status, 200, `the issue list answers (${list.status})`);
  issues = await list.json();
  if (issues.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
}
assert.equal(issues.length, 1, "two orders failing the same way are one issue");
assert.equal(issues[0].count, "2");
assert.match(issues[0].title, /^TypeError: order <int> has no customer|^TypeError: order \d+ has no customer/);
const latest = await (await fetch(`${gateway}/monitoring/api/0/issues/${issues[0].id}/events/latest/`,
  { headers: { authorization: `Bearer ${token}` } })).json();
const frames = latest.entries.find((entry) => entry.type === "exception").data.values[0].stacktrace.frames;
assert.ok(frames.some((frame) => frame.function === "placeOrder" && frame.inApp), "the stack trace has the app's frame");

const anonymous = await fetch(`${gateway}/monitoring/api/0/projects/groundwork/groundwork/issues/`);
assert.equal(anonymous.status, 401, "the API wants a token");
console.log(JSON.stringify({ ok: true, issue: issues[0].id }));
