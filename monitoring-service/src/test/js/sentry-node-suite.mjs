// The real @sentry/node SDK against monitoring-service's ingest (run by SentryNodeClientTest). Captures errors and
// messages as an application would, waits until the SDK has sent them, and prints one line
// "events <json>" with the ids the SDK gave each capture, which the Java test then looks up through the read API.
// The run id (letters only, so that grouping never reads it as a value) makes this run's issues its own.
import * as Sentry from "@sentry/node";

const run = process.env.RUN_ID;
const sent = [];

Sentry.init({
  dsn: process.env.SENTRY_DSN,
  release: "shop@2.0.0",
  environment: "ci",
  // The SDK's own transport and defaults; only its outcome is asked for.
  beforeSend(event) {
    sent.push(event.event_id);
    return event;
  },
});
if (!Sentry.getClient()?.getTransport()) {
  console.error(`no transport: is ${process.env.SENTRY_DSN} a DSN?`);
  process.exit(1);
}
Sentry.setUser({ id: "u-1" });

class PaymentDeclinedError extends Error {
  constructor(message) {
    super(message);
    this.name = "PaymentDeclinedError";
  }
}

function chargeCard(amount) {
  if (amount > 0) {
    throw new PaymentDeclinedError(`card declined ${run}`);
  }
}

function reserveStock(sku) {
  throw new RangeError(`no stock for ${sku} ${run}`);
}

function checkQuota(tenant) {
  throw new Error(`quota exceeded ${run} for ${tenant}`);
}

/** Runs the operation and captures what it throws, as an application's error handler would. */
function attempt(operation) {
  try {
    operation();
  } catch (error) {
    return Sentry.captureException(error);
  }
  throw new Error("the operation did not throw");
}

const ids = { declined: [], stock: [], payment: [], quota: [], quotaTenantA: [] };
// The same error from the same place twice: one issue seen twice. Another error between the two, another issue,
// because the SDK's dedupe integration drops an event identical to the one just before it.
ids.declined.push(attempt(() => chargeCard(10)));
ids.stock.push(attempt(() => reserveStock("sku-1")));
ids.declined.push(attempt(() => chargeCard(10)));
// Two messages that differ by a number: one issue.
ids.payment.push(Sentry.captureMessage(`payment failed for order 1234 ${run}`));
ids.payment.push(Sentry.captureMessage(`payment failed for order 5678 ${run}`));
// The same error with and without a fingerprint of the application's: two issues.
ids.quota.push(attempt(() => checkQuota("tenant")));
Sentry.withScope((scope) => {
  scope.setFingerprint(["{{ default }}", "tenant-a"]);
  ids.quotaTenantA.push(attempt(() => checkQuota("tenant")));
});

const flushed = await Sentry.flush(5000);
if (!flushed) {
  console.error("Sentry.flush timed out: not everything was sent");
  process.exit(1);
}
const captured = Object.values(ids).flat();
if (sent.length !== captured.length || captured.some((id) => !sent.includes(id))) {
  console.error(`the SDK sent ${JSON.stringify(sent)}, captured ${JSON.stringify(captured)}`);
  process.exit(1);
}
console.log("events " + JSON.stringify(ids));
await Sentry.close(2000);
