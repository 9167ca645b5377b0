// The life of a user as an app drives it with the real @supabase/auth-js, through the gateway of a fleet that
// ./groundwork up started with nothing configured: sign-up with e-mail confirmation (the mail read from the local
// mail catcher, the link followed as a browser would), sign-in, the user, an update, a refresh, a protected route,
// sign-out. Reads GROUNDWORK_* from .groundwork/local.env (the test passes them); exits non-zero on the first
// step that does not behave as Supabase's does.
import { AuthClient } from "@supabase/auth-js";
import assert from "node:assert/strict";

const env = process.env;
const email = `auth-js-${Date.now()}@example.com`;
const password = "a-long-local-password-42";
const auth = new AuthClient({ url: env.GROUNDWORK_AUTH_URL, autoRefreshToken: false, persistSession: false });

function check(result, what) {
  assert.equal(result.error, null, `${what}: ${result.error?.message} (${result.error?.code}, status ${result.error?.status})`);
  return result.data;
}

// Sign-up: confirmations are on, so there is a user and no session yet.
const signedUp = check(await auth.signUp({ email, password, options: { data: { name: "Ada" } } }), "signUp");
assert.equal(signedUp.session, null, "no session before the e-mail is confirmed");
assert.equal(signedUp.user.email, email);
assert.equal(signedUp.user.user_metadata.name, "Ada");

// Until then, signing in is refused with GoTrue's code.
const early = await auth.signInWithPassword({ email, password });
assert.equal(early.error?.code, "email_not_confirmed", `sign-in before confirming: ${early.error?.code}`);

// The confirmation mail, from MailDev's API.
let link;
for (let attempt = 0; attempt < 50 && !link; attempt++) {
  const mails = await (await fetch(`${env.GROUNDWORK_MAIL_UI_URL}/email`)).json();
  const mail = mails.find((m) => m.to.some((to) => to.address === email));
  link = mail?.text?.match(/https?:\/\/\S+\/verify\?\S+/)?.[0];
  if (!link) await new Promise((resolve) => setTimeout(resolve, 200));
}
assert.ok(link, `a confirmation mail to ${email} in the mail catcher`);
assert.ok(link.startsWith(`${env.GROUNDWORK_AUTH_URL}/verify?`), `the link goes through the gateway: ${link}`);

// The browser follows it and lands on the app with the session in the fragment; auth-js takes it from there.
const landed = await fetch(link, { redirect: "manual" });
assert.equal(landed.status, 303);
const fragment = new URLSearchParams(new URL(landed.headers.get("location")).hash.slice(1));
assert.equal(fragment.get("type"), "signup");
const fromLink = check(await auth.setSession({
  access_token: fragment.get("access_token"), refresh_token: fragment.get("refresh_token"),
}), "setSession from the link");
assert.equal(fromLink.user.email, email);
assert.ok(fromLink.user.email_confirmed_at, "confirmed by the link");

// Sign-in, the user, an update.
const session = check(await auth.signInWithPassword({ email, password }), "signInWithPassword").session;
assert.equal(session.token_type, "bearer");
const user = check(await auth.getUser(session.access_token), "getUser").user;
assert.equal(user.email, email);
await auth.setSession({ access_token: session.access_token, refresh_token: session.refresh_token });
const updated = check(await auth.updateUser({ data: { plan: "trial" } }), "updateUser").user;
assert.equal(updated.user_metadata.plan, "trial");

// Refresh rotates the refresh token; the new access token works on a protected route through the gateway.
const refreshed = check(await auth.refreshSession({ refresh_token: session.refresh_token }), "refreshSession").session;
assert.notEqual(refreshed.refresh_token, session.refresh_token);
const protectedRoute = await fetch(`${env.GROUNDWORK_PAYMENTS_URL}/subscription`,
  { headers: { Authorization: `Bearer ${refreshed.access_token}` } });
assert.equal(protectedRoute.status, 200, `GET /payments/v1/subscription: ${protectedRoute.status}`);

// Sign-out ends the session: its refresh token is refused afterwards.
await auth.setSession({ access_token: refreshed.access_token, refresh_token: refreshed.refresh_token });
assert.equal((await auth.signOut()).error, null, "signOut");
const after = await auth.refreshSession({ refresh_token: refreshed.refresh_token });
assert.ok(after.error, "the refresh token of an ended session is refused");

console.log(JSON.stringify({ ok: true, email, user: user.id }));
