// ./groundwork demo: a short journey through the running local fleet, each step printed with the curl that does
// the same. Reads the URLs and local credentials of .groundwork/local.env from the environment (the launcher
// exports them). Exits non-zero at the first step that does not answer as it should.
import { createHmac, randomUUID } from "node:crypto";

const env = process.env;
const auth = env.GROUNDWORK_AUTH_URL;
const mailUi = env.GROUNDWORK_MAIL_UI_URL;
const email = `demo-${Date.now()}@example.com`;
const password = `demo-${randomUUID()}`;
let step = 0;

function show(title, curl) {
  step += 1;
  console.log(`\n${step}. ${title}\n   $ ${curl}`);
}

function result(text) {
  console.log(`   -> ${text}`);
}

function fail(text) {
  console.error(`\ndemo failed at step ${step}: ${text}`);
  process.exit(1);
}

async function call(url, init = {}, expected = [200]) {
  const response = await fetch(url, { redirect: "manual", ...init });
  const text = await response.text();
  if (!expected.includes(response.status)) {
    fail(`${init.method ?? "GET"} ${url} answered ${response.status}: ${text}`);
  }
  let body = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, headers: response.headers, body };
}

const json = (body, headers = {}) => ({
  method: "POST",
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(body),
});

// ---- identity ------------------------------------------------------------------------------------------
show("Sign up (auth-js: supabase.auth.signUp)",
  `curl -X POST "$GROUNDWORK_AUTH_URL/signup" -H 'Content-Type: application/json' -d '{"email":"${email}","password":"…"}'`);
const signUp = await call(`${auth}/signup`, json({ email, password }));
result(`user ${signUp.body.id} created, confirmation mail sent (confirmed: ${Boolean(signUp.body.email_confirmed_at)})`);

show("Read the confirmation mail from the mail catcher (MailDev's API; the same mail is in its web UI)",
  `curl "$GROUNDWORK_MAIL_UI_URL/email"   # or open ${mailUi}`);
let link;
for (let attempt = 0; attempt < 50 && !link; attempt++) {
  const mails = (await call(`${mailUi}/email`)).body;
  const mail = mails.reverse().find((m) => m.to.some((to) => to.address === email));
  link = mail?.text?.match(/https?:\/\/\S+\/verify\?\S+/)?.[0];
  if (!link) await new Promise((resolve) => setTimeout(resolve, 200));
}
if (!link) fail(`no confirmation mail to ${email} in ${mailUi}`);
result(`"Confirm your signup": ${link.replace(/token=[^&]+/, "token=…")}`);

show("Confirm: follow the link (a browser would land on the app with the session in the URL fragment)",
  `curl -i "<the link from the mail>"`);
const confirmed = await call(link, {}, [303]);
const location = confirmed.headers.get("location");
if (!location.includes("#access_token=")) fail(`the link redirected to ${location} without a session`);
result(`303 to ${location.split("#")[0]} with #access_token=…&refresh_token=…`);

show("Sign in with the password (supabase.auth.signInWithPassword)",
  `curl -X POST "$GROUNDWORK_AUTH_URL/token?grant_type=password" -H 'Content-Type: application/json' -d '{"email":"${email}","password":"…"}'`);
const session = (await call(`${auth}/token?grant_type=password`, json({ email, password }))).body;
result(`access token for ${session.expires_in} s, refresh token ${session.refresh_token.slice(0, 4)}…`);
const bearer = { Authorization: `Bearer ${session.access_token}` };

show("Get the user (supabase.auth.getUser)",
  `curl "$GROUNDWORK_AUTH_URL/user" -H "Authorization: Bearer $ACCESS_TOKEN"`);
const user = (await call(`${auth}/user`, { headers: bearer })).body;
result(`${user.email}, confirmed at ${user.email_confirmed_at}`);

show("Refresh the session (auth-js does it before the access token expires)",
  `curl -X POST "$GROUNDWORK_AUTH_URL/token?grant_type=refresh_token" -H 'Content-Type: application/json' -d '{"refresh_token":"'$REFRESH_TOKEN'"}'`);
const refreshed = (await call(`${auth}/token?grant_type=refresh_token`, json({ refresh_token: session.refresh_token }))).body;
if (refreshed.refresh_token === session.refresh_token) fail("the refresh token was not rotated");
result("a new access token and a new (rotated) refresh token");

// ---- a protected route --------------------------------------------------------------------------------
show("Call a protected route without a token: the gateway refuses it",
  `curl -i "$GROUNDWORK_PAYMENTS_URL/subscription"`);
const refused = await call(`${env.GROUNDWORK_PAYMENTS_URL}/subscription`, {}, [401]);
result(`${refused.status} ${refused.body.title}: ${refused.body.detail}`);

show("Call it with the user's token",
  `curl "$GROUNDWORK_PAYMENTS_URL/subscription" -H "Authorization: Bearer $ACCESS_TOKEN"`);
const subscription = (await call(`${env.GROUNDWORK_PAYMENTS_URL}/subscription`,
  { headers: { Authorization: `Bearer ${refreshed.access_token}` } })).body;
result(`subscription status: ${subscription.status}`);

// ---- billing --------------------------------------------------------------------------------------------
if (env.STRIPE_SECRET_KEY?.startsWith("sk_test_")) {
  show("Start a Stripe Checkout for the plan pro (your test key; the plan's price from PAYMENT_PLANS_PRO_PRICES)",
    `curl -X POST "$GROUNDWORK_PAYMENTS_URL/checkout-sessions" -H "Authorization: Bearer $ACCESS_TOKEN" -H 'Content-Type: application/json' -d '{"plan":"pro","successUrl":"http://localhost:3000/billing/done","cancelUrl":"http://localhost:3000/billing"}'`);
  const checkout = (await call(`${env.GROUNDWORK_PAYMENTS_URL}/checkout-sessions`, json(
    { plan: "pro", successUrl: "http://localhost:3000/billing/done", cancelUrl: "http://localhost:3000/billing" },
    { Authorization: `Bearer ${refreshed.access_token}` }))).body;
  result(`open ${checkout.url} to pay with a test card (4242 4242 4242 4242)`);
} else {
  const now = Math.floor(Date.now() / 1000);
  const event = JSON.stringify({
    id: `evt_demo_${now}`, object: "event", type: "customer.subscription.updated", api_version: "2026-07-29.dahlia",
    created: now, livemode: false,
    data: { object: { id: `sub_demo_${now}`, object: "subscription", customer: `cus_demo_${now}`, status: "active" } },
  });
  const signature = `t=${now},v1=${createHmac("sha256", env.STRIPE_WEBHOOK_SECRET).update(`${now}.${event}`).digest("hex")}`;
  show("Receive a Stripe webhook, signed with the local secret as Stripe signs it (no STRIPE_SECRET_KEY set)",
    `curl -X POST "$GROUNDWORK_STRIPE_WEBHOOK_URL" -H "Stripe-Signature: t=$T,v1=$(printf '%s' "$T.$BODY" | openssl dgst -sha256 -hmac "$STRIPE_WEBHOOK_SECRET" -r | cut -d' ' -f1)" -d "$BODY"`);
  const accepted = (await call(env.GROUNDWORK_STRIPE_WEBHOOK_URL,
    { method: "POST", headers: { "Content-Type": "application/json", "Stripe-Signature": signature }, body: event })).body;
  result(`accepted: ${accepted.id} (duplicate: ${accepted.duplicate})`);

  show("Stripe retries a delivery: the same event again is recognised, not processed twice",
    `curl -X POST "$GROUNDWORK_STRIPE_WEBHOOK_URL" -H "Stripe-Signature: …" -d "$BODY"`);
  const again = (await call(env.GROUNDWORK_STRIPE_WEBHOOK_URL,
    { method: "POST", headers: { "Content-Type": "application/json", "Stripe-Signature": signature }, body: event })).body;
  if (!again.duplicate) fail("the second delivery was not recognised as a duplicate");
  result(`duplicate: ${again.duplicate}`);

  show("A forged delivery is refused and stores nothing",
    `curl -i -X POST "$GROUNDWORK_STRIPE_WEBHOOK_URL" -H 'Stripe-Signature: t=1,v1=forged' -d "$BODY"`);
  const forged = await call(env.GROUNDWORK_STRIPE_WEBHOOK_URL,
    { method: "POST", headers: { "Content-Type": "application/json", "Stripe-Signature": `t=${now},v1=${"0".repeat(64)}` }, body: event }, [400]);
  result(`${forged.status} ${forged.body.title}`);

  show("Get an admin token for the local admin service account (client_credentials, scope admin)",
    `curl -X POST "$GROUNDWORK_TOKEN_URL" -u "$GROUNDWORK_ADMIN_CLIENT_ID:$GROUNDWORK_ADMIN_CLIENT_SECRET" -d grant_type=client_credentials`);
  const basic = Buffer.from(`${env.GROUNDWORK_ADMIN_CLIENT_ID}:${env.GROUNDWORK_ADMIN_CLIENT_SECRET}`).toString("base64");
  const admin = (await call(env.GROUNDWORK_TOKEN_URL, {
    method: "POST", headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials",
  })).body;
  result(`token for scope "${admin.scope}", ${admin.expires_in} s`);

  show("The webhook inbox holds the event (payment-service's admin API, not routed by the gateway)",
    `curl "$GROUNDWORK_PAYMENTS_ADMIN_URL/inbox" -H "Authorization: Bearer $ADMIN_TOKEN"`);
  const inbox = (await call(`${env.GROUNDWORK_PAYMENTS_ADMIN_URL}/inbox`,
    { headers: { Authorization: `Bearer ${admin.access_token}` } })).body;
  const total = Object.values(inbox.counts).reduce((sum, n) => sum + n, 0);
  if (total < 1) fail(`the inbox is empty: ${JSON.stringify(inbox)}`);
  result(`rows by state: ${JSON.stringify(inbox.counts)} (without a Stripe key the worker cannot fetch the`
    + " subscription from Stripe, so the row waits and retries; set STRIPE_SECRET_KEY to a test key for the real flow)");
}

console.log("\nThe demo passed. The mails are in the web UI at " + mailUi);
