// One run of an application with the real @sentry/node SDK and its default release health (run by
// SentryNodeSessionsTest): the SDK's ProcessSession integration starts a session at init and ends it when the process
// exits. OUTCOME says how this run goes: "exit" ends well, "error" captures a handled error and then ends,
// "crash" throws an error nothing catches (the SDK marks the session crashed, sends it and exits with 1).
import * as Sentry from "@sentry/node";

const { SENTRY_DSN, RELEASE, ENVIRONMENT, USER_ID, OUTCOME } = process.env;

Sentry.init({ dsn: SENTRY_DSN, release: RELEASE, environment: ENVIRONMENT });
if (!Sentry.getClient()?.getTransport()) {
  console.error(`no transport: is ${SENTRY_DSN} a DSN?`);
  process.exit(1);
}
// The session's distinct user (did): the SDK takes it from the user set on the scope.
Sentry.setUser({ id: USER_ID });

function placeOrder() {
  throw new Error(`order service unavailable in ${RELEASE}`);
}

switch (OUTCOME) {
  case "exit":
    break;
  case "error":
    try {
      placeOrder();
    } catch (error) {
      Sentry.captureException(error);
    }
    break;
  case "crash":
    setTimeout(placeOrder, 10);
    break;
  default:
    console.error(`OUTCOME is exit, error or crash, not ${OUTCOME}`);
    process.exit(2);
}
