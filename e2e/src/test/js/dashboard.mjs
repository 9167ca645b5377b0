// The monitoring dashboard as a person uses it, in a real browser (Debian's chromium driven by playwright-core)
// through the gateway of a fleet started by ./groundwork up: the app's errors arrive from the real @sentry/node,
// the local admin from .groundwork/local.env signs in on the page, lists the issues, opens one with its stack
// trace, and sees fleet health and release health. An error message carrying markup stays text. With SCREENSHOTS
// set, the pages are saved there (docs/images/ holds the committed ones). Exits non-zero on the first surprise.
import * as Sentry from "@sentry/node";
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import path from "node:path";

const gateway = process.env.GROUNDWORK_GATEWAY_URL;
const run = `${Date.now()}`;
// Letters only: grouping turns numbers into <int>, and each run wants issues of its own.
const tag = Number(run).toString(36).replace(/[0-9]/g, (digit) => "ghijklmnop"[digit]);
const release = `shop@1.4.${run.slice(-3)}`;
const markup = `<img src=x onerror="window.__injected=1">`;

// ---- the app's errors and sessions, as the SDK sends them ------------------------------------------------------
Sentry.init({ dsn: process.env.SENTRY_DSN, release, environment: "local", defaultIntegrations: false });
function chargeCard(order) {
  throw new TypeError(`card declined for order ${order.id} (run ${tag})`);
}
function checkout(order) {
  return chargeCard(order);
}
for (const id of [7, 8, 9]) {
  // A signed-in customer: the session's distinct id, so release health counts users too.
  Sentry.setUser({ id: `customer-${id}` });
  Sentry.startSession();
  try {
    checkout({ id });
  } catch (error) {
    Sentry.captureException(error);
  }
  Sentry.endSession();
}
Sentry.captureException(new Error(`${markup} in a customer's name (run ${tag})`));
for (const id of [10, 11, 12]) {
  Sentry.setUser({ id: `customer-${id}` });
  Sentry.startSession();
  Sentry.endSession();
}
assert.ok(await Sentry.flush(10000), "the SDK flushed its queue");

// ---- the browser ---------------------------------------------------------------------------------------------------
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const screenshots = process.env.SCREENSHOTS;
const problems = [];
let page;
try {
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const origin = new URL(gateway).origin;
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  // The browser logs the refused wrong password (400 from auth-service); nothing else may log an error.
  page.on("console", (message) => message.type() === "error" && !message.location().url.includes("/auth/v1/token")
    && problems.push(`console: ${message.text()} (${message.location().url})`));
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.origin !== origin) problems.push(`request to another origin: ${url.origin}`);
    if (url.pathname.startsWith("/monitoring/api/0/")) {
      assert.match(request.headers().authorization || "", /^Bearer ey/, `${url.pathname} carries the token`);
    }
  });
  const shoot = async (name) => screenshots && page.screenshot({ path: path.join(screenshots, name), fullPage: true });

  // Typed without the trailing slash, as people do.
  const opened = await page.goto(`${gateway}/monitoring`);
  assert.equal(opened.status(), 200, "the page opens without a token");
  await page.locator("#sign-in").waitFor();
  await page.fill("input[name=email]", process.env.GROUNDWORK_ADMIN_EMAIL);
  await page.fill("input[name=password]", "wrong password");
  await page.click("#sign-in button[type=submit]");
  await page.locator("#sign-in-error").filter({ hasText: /./ }).waitFor();
  await page.fill("input[name=password]", process.env.GROUNDWORK_ADMIN_PASSWORD);
  await page.click("#sign-in button[type=submit]");
  await page.locator("#who").filter({ hasText: process.env.GROUNDWORK_ADMIN_EMAIL }).waitFor();

  // Processing runs beside ingest: reload until this run's issues are listed.
  const listed = page.locator("table.issues tr.issue", { hasText: `run ${tag}` });
  for (let attempt = 0; attempt < 40 && (await listed.count()) < 2; attempt++) {
    await page.waitForTimeout(250);
    await page.evaluate(() => window.dispatchEvent(new HashChangeEvent("hashchange")));
    await page.locator("#view:not([aria-busy])").waitFor();
  }
  assert.equal(await listed.count(), 2, "this run's two issues are listed");
  const card = listed.filter({ hasText: "card declined" });
  // Grouped by the stack trace, not the message: three declined cards are one issue (with earlier runs' too).
  assert.ok(Number(await card.locator("td.num").first().innerText()) >= 3, "three declined cards are one issue");
  assert.equal(await card.locator("svg.bars rect.on").count() > 0, true, "the issue has a sparkline");
  // The message with markup is shown as the text it is, and nothing of it ran.
  await page.getByText(`${markup} in a customer's name`).first().waitFor();
  assert.equal(await page.locator("#view img").count(), 0, "no element came out of an event's text");
  assert.equal(await page.evaluate(() => window.__injected), undefined, "no script of an event ran");
  await shoot("dashboard-issues.png");

  await card.locator("a.title").click();
  const frames = page.locator(".exception .frames li");
  await frames.first().waitFor();
  assert.match(await page.locator(".exception h3").first().innerText(), /^TypeError: card declined/);
  assert.match(await frames.first().innerText(), /chargeCard/, "the crash site comes first");
  assert.ok(await frames.filter({ hasText: "checkout" }).count() > 0, "its caller is in the trace");
  await page.locator(".tags .tag", { hasText: "release" }).waitFor();
  assert.match(await page.locator(".tags").innerText(), new RegExp(release.replace(/[.@]/g, "\\$&")));
  await shoot("dashboard-issue.png");

  // Fleet health: every service of the local fleet, polled by monitoring-service.
  await page.click("nav a[href='#/fleet']");
  const services = page.locator("table.fleet tbody tr");
  for (let attempt = 0; attempt < 60 && (await page.locator("table.fleet tbody tr.up").count()) < 5; attempt++) {
    await page.waitForTimeout(500);
    await page.evaluate(() => window.dispatchEvent(new HashChangeEvent("hashchange")));
    await page.locator("#view:not([aria-busy])").waitFor();
  }
  assert.equal(await services.count(), 5, "five services in fleet health");
  assert.equal(await page.locator("table.fleet tbody tr.up").count(), 5, "all five up");
  await shoot("dashboard-fleet.png");

  // Release health: three sessions errored (a handled error each), none crashed; six customers.
  await page.click("nav a[href='#/releases']");
  const row = page.locator("table.releases tbody tr", { hasText: release });
  for (let attempt = 0; attempt < 40 && (await row.count()) === 0; attempt++) {
    await page.waitForTimeout(250);
    await page.evaluate(() => window.dispatchEvent(new HashChangeEvent("hashchange")));
    await page.locator("#view:not([aria-busy])").waitFor();
  }
  assert.equal(await row.count(), 1, "the release has health data");
  const cells = await row.locator("td").allInnerTexts();
  assert.deepEqual(cells.slice(2, 6), ["100%", "100%", "6", "6"], `no session crashed, six users: ${cells}`);
  await shoot("dashboard-releases.png");

  await page.click("#sign-out");
  await page.locator("#sign-in").waitFor();
  assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes("auth")).length), 0, "signing out forgets the session");
} catch (error) {
  // What the person would have seen: the page's text, and a screenshot next to the others.
  console.error(`page ${page?.url()}:\n${await page?.locator("body").innerText().catch(() => "?")}`);
  if (screenshots) await page?.screenshot({ path: path.join(screenshots, "failure.png"), fullPage: true }).catch(() => {});
  throw error;
} finally {
  await browser.close();
}
assert.deepEqual(problems, [], "the page ran without errors and loaded nothing from elsewhere");
console.log(JSON.stringify({ ok: true, release }));
