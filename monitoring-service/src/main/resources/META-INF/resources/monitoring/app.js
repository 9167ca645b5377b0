// The monitoring dashboard: static files, served without a token (a browser sends none on navigation). The person
// signs in with auth-service through auth-js; every API call carries the access token, and monitoring-service decides
// what it may read. Everything shown comes from events anyone with a DSN can send, so text only ever goes into the
// page as text nodes (h() below), never as HTML.
import { AuthClient } from "./vendor/auth-js.js";

const API = "/monitoring/api/0";
const auth = new AuthClient({
  url: `${location.origin}/auth/v1`,
  storageKey: "groundwork-monitoring-auth",
  autoRefreshToken: true,
  persistSession: true,
});

const $ = (id) => document.getElementById(id);
const view = $("view");
let organization = null;

const SVG_TAGS = new Set(["svg", "rect", "title"]);

/** An element with attributes and children; strings become text nodes. */
function h(tag, attributes = {}, ...children) {
  const element = SVG_TAGS.has(tag) ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

async function api(path, options = {}) {
  const { data } = await auth.getSession();
  if (!data.session) throw new ApiError(401, "signed out");
  const response = await fetch(API + path, {
    ...options,
    headers: { Accept: "application/json", Authorization: `Bearer ${data.session.access_token}`, ...(options.headers || {}) },
  });
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (response.status === 401) {
    await auth.signOut({ scope: "local" });
    throw new ApiError(401, "your session ended; sign in again");
  }
  if (!response.ok) throw new ApiError(response.status, body?.detail || body?.title || `HTTP ${response.status}`);
  return body;
}

// ---- formatting ------------------------------------------------------------------------------------------------

function ago(iso) {
  if (!iso) return "—";
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["min", 60]]) {
    if (seconds >= size) return `${Math.floor(seconds / size)} ${unit} ago`;
  }
  return "just now";
}

function percent(value) {
  return value === null || value === undefined ? "—" : `${Number(value).toFixed(value >= 99.95 || value === 0 ? 0 : 2)}%`;
}

function when(iso) {
  return iso ? h("time", { datetime: iso, title: new Date(iso).toLocaleString() }, ago(iso)) : "—";
}

/** A bar chart of [timestamp, count] pairs as inline SVG (no chart library: nothing loads from elsewhere). */
function bars(points, { width = 120, height = 28, label = "events" } = {}) {
  const max = Math.max(1, ...points.map((p) => p[1]));
  const step = width / Math.max(1, points.length);
  return h("svg", { class: "bars", viewBox: `0 0 ${width} ${height}`, width, height, role: "img",
      "aria-label": `${points.reduce((sum, p) => sum + p[1], 0)} ${label}` },
    points.map(([time, count], i) => h("rect", {
      x: (i * step + 0.5).toFixed(1), width: Math.max(1, step - 1).toFixed(1),
      y: (height - Math.max(count ? 2 : 0.5, (count / max) * height)).toFixed(1),
      height: Math.max(count ? 2 : 0.5, (count / max) * height).toFixed(1), class: count ? "on" : "off" },
      h("title", {}, `${new Date(time * 1000).toLocaleString()}: ${count}`))));
}

function statusBadge(status) {
  return h("span", { class: `badge ${status}` }, status);
}

function failure(error) {
  return h("p", { class: "error", role: "alert" }, error.status === 403 ? `Not allowed: ${error.message}` : error.message);
}

// ---- views -----------------------------------------------------------------------------------------------------

async function organizationSlug() {
  if (!organization) organization = (await api("/organizations/"))[0]?.slug;
  return organization;
}

async function projectPicker(selected, onChange) {
  const projects = await api(`/organizations/${await organizationSlug()}/projects/`);
  const current = projects.find((p) => p.slug === selected) ? selected : projects[0]?.slug;
  const select = h("select", { name: "project", "aria-label": "Project", onchange: (e) => onChange(e.target.value) },
    projects.map((p) => h("option", { value: p.slug, selected: p.slug === current }, p.name || p.slug)));
  return { select, project: current };
}

async function fleetStrip() {
  try {
    const fleet = await api("/fleet/");
    return h("section", { class: "fleet-strip", "aria-label": "Fleet health" },
      fleet.services.map((s) => h("a", { class: `service ${s.status}`, href: "#/fleet", title: s.detail || s.status },
        h("span", { class: "dot" }), s.name, " ", h("small", {}, s.status))));
  } catch (error) {
    return h("section", { class: "fleet-strip muted" }, error.status === 403 ? "Fleet health needs the admin role." : `Fleet health: ${error.message}`);
  }
}

async function issuesView(params) {
  const query = params.get("query") ?? "is:unresolved";
  const period = params.get("statsPeriod") || "24h";
  const environment = params.get("environment") || "";
  const go = (changes) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) v ? next.set(k, v) : next.delete(k);
    location.hash = `#/?${next}`;
  };
  const { select, project } = await projectPicker(params.get("project"), (slug) => go({ project: slug }));
  const filters = h("form", { class: "filters", onsubmit: (e) => {
      e.preventDefault();
      const form = new FormData(e.target);
      go({ query: form.get("query"), environment: form.get("environment"), statsPeriod: form.get("statsPeriod") });
    } },
    select,
    h("input", { name: "query", value: query, "aria-label": "Search", placeholder: "is:unresolved level:error text" }),
    h("input", { name: "environment", value: environment, "aria-label": "Environment", placeholder: "environment" }),
    h("select", { name: "statsPeriod", "aria-label": "Period" },
      ["24h", "14d"].map((p) => h("option", { value: p, selected: p === period }, p))),
    h("button", { type: "submit" }, "Filter"));
  const header = h("div", {}, await fleetStrip(), h("h1", {}, "Issues"), filters);
  if (!project) return h("div", {}, header, h("p", { class: "muted" }, "No projects yet."));
  const search = new URLSearchParams({ query, statsPeriod: period });
  if (environment) search.set("environment", environment);
  let issues;
  try {
    issues = await api(`/projects/${await organizationSlug()}/${project}/issues/?${search}`);
  } catch (error) {
    return h("div", {}, header, failure(error));
  }
  const rows = issues.map((issue) => h("tr", { class: "issue" },
    h("td", {},
      h("a", { class: "title", href: `#/issues/${issue.id}` }, issue.title),
      h("div", { class: "muted small" }, issue.shortId, " · ", issue.culprit || "", " · ", h("span", { class: `level ${issue.level}` }, issue.level))),
    h("td", { class: "spark" }, bars(issue.stats?.[period] || [])),
    h("td", { class: "num" }, issue.count),
    h("td", { class: "num" }, issue.userCount),
    h("td", {}, when(issue.lastSeen)),
    h("td", {}, statusBadge(issue.status))));
  return h("div", {}, header,
    issues.length === 0 ? h("p", { class: "muted empty" }, "No issues match.") :
      h("table", { class: "issues" },
        h("thead", {}, h("tr", {}, ["Issue", `Events (${period})`, "Events", "Users", "Last seen", "Status"].map((c) => h("th", {}, c)))),
        h("tbody", {}, rows)));
}

function stackTrace(event) {
  const exception = event.entries?.find((entry) => entry.type === "exception");
  const message = event.entries?.find((entry) => entry.type === "message");
  const parts = [];
  if (message) parts.push(h("pre", { class: "message" }, message.data.formatted));
  // Sentry lists the innermost exception last and frames oldest first; people read the crash site first.
  for (const value of [...(exception?.data.values || [])].reverse()) {
    const frames = [...(value.stacktrace?.frames || [])].reverse();
    parts.push(h("div", { class: "exception" },
      h("h3", {}, h("span", { class: "type" }, value.type || "Error"), value.value ? `: ${value.value}` : ""),
      h("ol", { class: "frames" }, frames.map((frame) => h("li", { class: frame.inApp ? "frame in-app" : "frame" },
        h("div", { class: "where" },
          h("code", {}, frame.function || "?"), " in ", h("span", { class: "file" }, frame.filename || frame.module || frame.absPath || "?"),
          frame.lineNo ? ` at line ${frame.lineNo}${frame.colNo ? `:${frame.colNo}` : ""}` : ""),
        frame.context_line ? h("pre", { class: "context" }, frame.context_line.trim()) : null)))));
  }
  return parts.length ? parts : [h("p", { class: "muted" }, "This event has no stack trace.")];
}

async function issueView(id) {
  const [issue, event] = await Promise.all([api(`/issues/${id}/`), api(`/issues/${id}/events/latest/`)]);
  const setStatus = (status) => async () => {
    await api(`/issues/${id}/`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ status }) });
    render();
  };
  const stats = Object.values(issue.stats || {})[0] || [];
  return h("article", { class: "issue-page" },
    h("p", {}, h("a", { href: `#/?project=${encodeURIComponent(issue.project.slug)}` }, `← ${issue.project.name || issue.project.slug}`)),
    h("h1", {}, issue.title),
    h("p", { class: "muted" }, issue.shortId, " · ", issue.culprit || "", " · ", h("span", { class: `level ${issue.level}` }, issue.level),
      " · ", statusBadge(issue.status)),
    h("div", { class: "actions" },
      issue.status !== "resolved" ? h("button", { type: "button", onclick: setStatus("resolved") }, "Resolve") : null,
      issue.status !== "ignored" ? h("button", { type: "button", onclick: setStatus("ignored") }, "Ignore") : null,
      issue.status !== "unresolved" ? h("button", { type: "button", onclick: setStatus("unresolved") }, "Unresolve") : null),
    h("dl", { class: "facts" },
      h("dt", {}, "Events"), h("dd", {}, issue.times_seen ?? issue.count),
      h("dt", {}, "Users"), h("dd", {}, issue.userCount),
      h("dt", {}, "First seen"), h("dd", {}, when(issue.firstSeen), issue.firstRelease ? ` in ${issue.firstRelease.version}` : ""),
      h("dt", {}, "Last seen"), h("dd", {}, when(issue.lastSeen), issue.lastRelease ? ` in ${issue.lastRelease.version}` : "")),
    h("section", { class: "timeline" }, h("h2", {}, "Events, last 24 hours"), bars(stats, { width: 720, height: 80 }),
      h("div", { class: "axis muted small" }, h("span", {}, "24 h ago"), h("span", {}, "now"))),
    h("section", { class: "stack" }, h("h2", {}, "Stack trace"),
      h("p", { class: "muted small" }, "Latest event ", h("code", {}, event.eventID), " · ", when(event.dateCreated),
        event.release ? ` · ${event.release}` : "", event.environment ? ` · ${event.environment}` : ""),
      stackTrace(event)),
    h("section", {}, h("h2", {}, "Tags"),
      (issue.tags || []).length === 0 ? h("p", { class: "muted" }, "No tags.") :
        h("div", { class: "tags" }, issue.tags.map((tag) => h("div", { class: "tag" }, h("h3", {}, tag.name),
          h("ul", {}, tag.topValues.map((value) => h("li", {},
            h("span", { class: "value" }, value.name ?? value.value), " ",
            h("meter", { min: 0, max: tag.totalValues, value: value.count }), " ", h("small", {}, value.count)))))))));
}

async function releasesView(params) {
  const period = params.get("statsPeriod") || "24h";
  const { select, project } = await projectPicker(params.get("project"), (slug) => { location.hash = `#/releases?project=${slug}&statsPeriod=${period}`; });
  const header = h("div", {}, h("h1", {}, "Release health"), h("div", { class: "filters" }, select,
    h("select", { "aria-label": "Period", onchange: (e) => { location.hash = `#/releases?project=${project}&statsPeriod=${e.target.value}`; } },
      ["24h", "14d", "90d"].map((p) => h("option", { value: p, selected: p === period }, p)))));
  if (!project) return h("div", {}, header, h("p", { class: "muted" }, "No projects yet."));
  let releases;
  try {
    releases = await api(`/projects/${await organizationSlug()}/${project}/releases/health/?statsPeriod=${period}`);
  } catch (error) {
    return h("div", {}, header, failure(error));
  }
  return h("div", {}, header,
    releases.length === 0 ? h("p", { class: "muted empty" }, "No sessions yet: enable session tracking in the SDK (see docs/monitoring-service.md).") :
      h("table", { class: "releases" },
        h("thead", {}, h("tr", {}, ["Release", "Environment", "Crash-free sessions", "Crash-free users", "Sessions", "Users", "Adoption", "Last seen"].map((c) => h("th", {}, c)))),
        h("tbody", {}, releases.map((r) => h("tr", {},
          h("td", {}, h("code", {}, r.version)), h("td", {}, r.environment || "—"),
          h("td", { class: "num" }, percent(r.healthData.crashFreeSessions)),
          h("td", { class: "num" }, percent(r.healthData.crashFreeUsers)),
          h("td", { class: "num" }, r.healthData.totalSessions), h("td", { class: "num" }, r.healthData.totalUsers),
          h("td", { class: "num" }, percent(r.healthData.adoption)), h("td", {}, when(r.lastSeen)))))));
}

async function fleetView() {
  let fleet;
  try {
    fleet = await api("/fleet/");
  } catch (error) {
    return h("div", {}, h("h1", {}, "Fleet health"), failure(error));
  }
  return h("div", {}, h("h1", {}, "Fleet health"),
    h("table", { class: "fleet" },
      h("thead", {}, h("tr", {}, ["Service", "Status", "Since", "Uptime 24 h", "Uptime 7 d", "Last check", "Detail"].map((c) => h("th", {}, c)))),
      h("tbody", {}, fleet.services.map((s) => h("tr", { class: `service ${s.status}` },
        h("td", {}, h("span", { class: "dot" }), " ", s.name), h("td", {}, statusBadge(s.status)), h("td", {}, when(s.since)),
        h("td", { class: "num" }, percent(s.uptime?.["24h"])), h("td", { class: "num" }, percent(s.uptime?.["7d"])),
        h("td", {}, when(s.lastCheckedAt)), h("td", { class: "muted" }, s.detail || ""))))),
    h("h2", {}, "Transitions"),
    fleet.transitions.length === 0 ? h("p", { class: "muted" }, "None yet.") :
      h("ul", { class: "transitions" }, fleet.transitions.map((t) => h("li", {}, when(t.at), " ", h("strong", {}, t.service), " ",
        statusBadge(t.from), " → ", statusBadge(t.to), t.detail ? h("span", { class: "muted" }, ` (${t.detail})`) : null))));
}

// ---- routing and session ---------------------------------------------------------------------------------------

async function route() {
  const [path, search = ""] = location.hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(search);
  const issue = path.match(/^\/issues\/(\d{1,18})$/);
  if (issue) return issueView(issue[1]);
  if (path === "/releases") return releasesView(params);
  if (path === "/fleet") return fleetView();
  return issuesView(params);
}

let rendering = 0;
async function render() {
  const { data } = await auth.getSession();
  const signedIn = Boolean(data.session);
  $("sign-in").hidden = signedIn;
  $("nav").hidden = $("account").hidden = !signedIn;
  if (!signedIn) {
    view.replaceChildren();
    return;
  }
  $("who").textContent = data.session.user?.email || "";
  const mine = ++rendering;
  view.setAttribute("aria-busy", "true");
  let content;
  try {
    content = await route();
  } catch (error) {
    if (error.status === 401) return render();
    content = failure(error);
  }
  if (mine === rendering) {
    view.replaceChildren(content);
    view.removeAttribute("aria-busy");
  }
}

$("sign-in").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  $("sign-in-error").textContent = "";
  const { error } = await auth.signInWithPassword({ email: form.get("email"), password: form.get("password") });
  if (error) {
    $("sign-in-error").textContent = error.message;
    return;
  }
  e.target.reset();
  render();
});
$("sign-out").addEventListener("click", async () => {
  await auth.signOut();
  organization = null;
  render();
});
window.addEventListener("hashchange", render);
render();
