// The live floor: sign-in, per-hall queues and windows, today's figures and the alert panel.
// Alerts arrive on the /supervision namespace; floor figures are re-read on /display pushes
// and every few seconds; durations tick locally in between. Texts, the API client, the token
// (hallq.token.manager, for the tab) and elements come from hallq.js; t, el and api stay the
// names the dashboard's other scripts (reports.js) use.
"use strict";
const ROLE_KEY = "hallq.manager.role";
const HQ = (window.HQ = {
  token: Hallq.tokens.get("manager"),
  role: sessionStorage.getItem(ROLE_KEY) || sessionStorage.getItem("hallq.role"),
  lang: localStorage.getItem("hallq.lang") || "zh",
  halls: [], floors: {}, alerts: {}, sockets: [], timers: [],
});
sessionStorage.removeItem("hallq.role");  // the key before hallq.js
if (HQ.token && HQ.role) sessionStorage.setItem(ROLE_KEY, HQ.role);
Hallq.setLanguage(HQ.lang);
const REFRESH_MS = 5000;
const managerClient = Hallq.client("manager");

function t(key) { return Hallq.t(key); }
function el(...parts) { return Hallq.el(...parts); }
function duration(s) {
  if (s === null || s === undefined) return "—";
  s = Math.max(0, Math.round(s));
  const m = Math.floor(s / 60), sec = s % 60;
  return m ? `${m}${t("minutes")}${String(sec).padStart(2, "0")}${t("seconds")}` : `${sec}${t("seconds")}`;
}
function percent(v) { return v === null || v === undefined ? "—" : `${(v * 100).toFixed(1)}%`; }
function applyLanguage() {
  Hallq.setLanguage(HQ.lang);
  document.documentElement.lang = HQ.lang === "zh" ? "zh-CN" : "en";
  Hallq.texts.apply();
  document.getElementById("lang").textContent = HQ.lang === "zh" ? "English" : "中文";
}

// The Response of a call with the manager's token; a 401 signs the manager out.
async function api(path, options = {}) {
  const response = await managerClient.respond(path, options);
  if (response.status === 401) { logout(); throw Hallq.apiError("unauthenticated", "", {}, 401); }
  return response;
}

// A file the server exports (CSV, Excel), saved under the name it gives (else ``fallback``).
async function downloadFile(path, fallback) {
  const response = await api(path);
  if (!response.ok) return;
  const name = (response.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
  const link = el("a", { href: URL.createObjectURL(await response.blob()),
                         download: name ? name[1] : fallback });
  document.body.append(link); link.click(); link.remove();
}

// ---- sign-in --------------------------------------------------------------------------
function login(answer) {
  if (!["manager", "supervisor", "admin"].includes(answer.role)) throw t("not_manager");
  HQ.token = answer.token; HQ.role = answer.role;
  Hallq.tokens.set("manager", null, HQ.token); sessionStorage.setItem(ROLE_KEY, HQ.role);
  unlockAudio();
  start();
}
function logout() {
  Hallq.tokens.clear("manager"); sessionStorage.removeItem(ROLE_KEY);
  HQ.token = null; HQ.sockets.forEach((s) => s.disconnect()); HQ.sockets = [];
  HQ.timers.forEach(clearInterval); HQ.timers = [];
  document.getElementById("login").hidden = false;
  ["floor", "reports", "tabs", "logout"].forEach((id) => { document.getElementById(id).hidden = true; });
}

// ---- sound for new red alerts ---------------------------------------------------------------
let audio = null;
function unlockAudio() { try { audio = audio || new AudioContext(); audio.resume(); } catch (e) { audio = null; } }
function beep() {
  try {
    unlockAudio();
    if (!audio) return;
    [0, 0.35, 0.7].forEach((at) => {
      const osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.25;
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + at); osc.stop(audio.currentTime + at + 0.2);
    });
  } catch (e) { /* no audio device: the flashing card still shows */ }
  HQ.beeps = (HQ.beeps || 0) + 1;
}

// ---- live data ----------------------------------------------------------------------------
async function refresh(code) {
  const response = await api(`/api/v1/halls/${encodeURIComponent(code)}/floor`);
  if (!response.ok) return;
  const floor = await response.json();
  floor.fetchedAt = Date.now();
  HQ.floors[code] = floor;
  HQ.alerts[code] = new Map(floor.alerts.map((a) => [a.id, a]));
  render();
}
let pending = {};
function refreshSoon(code) {
  if (pending[code]) return;
  pending[code] = setTimeout(() => { pending[code] = null; refresh(code); }, 300);
}
function onAlert(kind, payload) {
  const alerts = HQ.alerts[payload.hall] || (HQ.alerts[payload.hall] = new Map());
  const before = alerts.get(payload.alert.id);
  if (kind === "alert_cleared") alerts.delete(payload.alert.id);
  else alerts.set(payload.alert.id, Object.assign({}, payload.alert, { fresh: true }));
  const newlyRed = payload.alert.level === "red" && kind !== "alert_cleared" && (!before || before.level !== "red");
  if (newlyRed) beep();
  render();
}
function connect() {
  const auth = { token: HQ.token };
  if (HQ.role !== "admin") auth.hall = HQ.halls[0].code;
  const sup = io("/supervision", { auth, transports: ["websocket"] });
  const status = document.getElementById("conn");
  sup.on("connect", () => { status.className = "conn on"; status.dataset.i18n = "online"; status.textContent = t("online"); });
  sup.on("disconnect", () => { status.className = "conn off"; status.dataset.i18n = "offline"; status.textContent = t("offline"); });
  sup.on("alerts_snapshot", (p) => { HQ.alerts[p.hall] = new Map(p.alerts.map((a) => [a.id, a])); render(); });
  ["alert_raised", "alert_changed", "alert_cleared"].forEach((name) => sup.on(name, (p) => onAlert(name, p)));
  HQ.sockets.push(sup);
  for (const hall of HQ.halls) {
    const display = io("/display", { auth: { hall: hall.code }, transports: ["websocket"] });
    ["queue_changed", "window_changed", "ticket_called"].forEach((name) => display.on(name, () => refreshSoon(hall.code)));
    HQ.sockets.push(display);
  }
}
async function start() {
  document.getElementById("login").hidden = true;
  ["floor", "tabs", "logout"].forEach((id) => { document.getElementById(id).hidden = false; });
  const response = await api("/api/v1/supervision/halls");
  if (!response.ok) { logout(); Hallq.show(document.getElementById("login-error"), t("not_manager")); return; }
  HQ.halls = await response.json();
  document.getElementById("floor").classList.toggle("multi", HQ.halls.length > 1);
  connect();
  await Promise.all(HQ.halls.map((h) => refresh(h.code)));
  HQ.timers.push(setInterval(() => HQ.halls.forEach((h) => refresh(h.code)), REFRESH_MS));
  HQ.timers.push(setInterval(render, 1000));
  if (window.HQReports) HQReports.init();
}

// ---- rendering ----------------------------------------------------------------------------
function elapsed(floor) { return (Date.now() - floor.fetchedAt) / 1000; }
function levelClass(value, limit) {
  if (!limit || value === null || value === undefined) return "";
  return value >= limit ? "lvl-red" : value >= limit * 0.8 ? "lvl-yellow" : "";
}
function figures(floor) {
  const f = floor.today || {};
  const items = [["issued", f.issued ?? 0], ["served", f.served ?? 0], ["no_show", f.no_show ?? 0],
    ["waiting_now", floor.waiting_now], ["avg_wait", duration(f.avg_wait_s)], ["p90_wait", duration(f.p90_wait_s)],
    ["avg_handling", duration(f.avg_handling_s)], ["satisfaction", percent(f.satisfaction_rate)]];
  return el("div", { class: "panel today" }, el("h3", {}, t("today")),
    el("div", { class: "figures" }, items.map(([k, v]) => el("div", { class: "figure", "data-figure": k },
      el("div", { class: "v" }, v), el("div", { class: "k" }, t(k))))));
}
function servicesPanel(floor) {
  const dt = elapsed(floor);
  const rows = floor.services.map((s) => {
    const oldest = s.waiting ? s.oldest_wait_s + dt : null;
    return el("tr", { "data-service": s.code }, el("td", { class: "name" }, el("span", { class: "big" }, s.code), " ", HQ.lang === "zh" ? s.name : (s.name_en || s.name)),
      el("td", { class: "n big " + levelClass(s.waiting, s.warn_waiting) }, s.waiting),
      el("td", { class: "n " + levelClass(oldest, s.max_wait_min && s.max_wait_min * 60) }, duration(oldest)),
      el("td", { class: "n" }, s.waiting ? duration(s.estimated_wait_s) : "—"));
  });
  return el("div", { class: "panel services" }, el("h3", {}, t("services")), el("table", {},
    el("tr", {}, el("th", {}, t("service")), el("th", { class: "n" }, t("waiting")),
      el("th", { class: "n" }, t("oldest")), el("th", { class: "n" }, t("estimate"))), rows));
}
// One window state with the hall screen's words: closed 未开放, paused 暂停, idle 等候叫号,
// serving 办理中. The floor payload may carry it as `state`; an older payload has the stored
// state (open/paused/closed) and it is derived from who is signed in and the current ticket.
const WINDOW_STATES = ["closed", "paused", "idle", "serving"];
function windowState(w) {
  if (w.state === "paused") return "paused";
  if (WINDOW_STATES.includes(w.state) && w.state !== "closed") return w.state;
  if (w.current) return "serving";
  if (w.state === "closed" || w.signed_in === false) return "closed";
  return "idle";
}
function windowsPanel(floor) {
  const dt = elapsed(floor);
  const rows = floor.windows.map((w) => {
    const state = windowState(w);
    const handling = w.current ? w.current.handling_s + dt : null;
    const limit = w.current && w.current.max_service_min ? w.current.max_service_min * 60 : null;
    const staff = w.signed_in || w.current ? w.staff : null;  // not someone who has left
    return el("tr", { "data-window": w.window }, el("td", { class: "big" }, w.name),
      el("td", {}, el("span", { class: "state " + state }, t("state_" + state)),
        state === "paused" && w.state_since_s !== null ? el("span", { class: "muted" }, " ", duration(w.state_since_s + dt)) : null),
      el("td", {}, staff || "—"),
      el("td", { class: "big" }, w.current ? w.current.number : "—"),
      el("td", { class: "n " + levelClass(handling, limit) }, w.current ? duration(handling) : "—"));
  });
  return el("div", { class: "panel windows" }, el("h3", {}, t("windows")), el("table", {},
    el("tr", {}, el("th", {}, t("window")), el("th", {}, t("state")), el("th", {}, t("staff")),
      el("th", {}, t("current")), el("th", { class: "n" }, t("handling"))), rows));
}
function alertSubject(a) {
  const d = a.data || {};
  const parts = [];
  if (a.ticket) parts.push(a.ticket);
  if (a.window_name) parts.push(a.window_name);
  if (a.service) parts.push(`${a.ticket ? "" : a.service + " "}${a.service_name || ""}`);
  if (a.kind === "queue_over_warning") parts.push(`${d.waiting}${t("people")} ≥ ${d.limit}`);
  if (a.device) parts.push(a.device);
  if (d.fault) parts.push(d.fault);
  if (d.grade) parts.push(t("grade_" + d.grade));
  return parts.join(" · ");
}
async function acknowledge(alert, note) {
  const response = await api(`/api/v1/alerts/${alert.id}/acknowledge`, { method: "POST", body: JSON.stringify({ note }) });
  if (response.ok) {
    const view = await response.json();
    onAlert(view.cleared_at ? "alert_cleared" : "alert_changed", { hall: view.hall, alert: view });
  }
}
function alertCard(a) {
  const card = el("div", { class: `alert ${a.level}${a.fresh ? " fresh" : ""}`, "data-alert": a.id, "data-kind": a.kind },
    el("div", { class: "what" }, `${t(a.level)} · ${t(a.kind)}`),
    el("div", {}, alertSubject(a)),
    el("div", { class: "when" }, (a.raised_at || "").slice(11, 19), a.acknowledged_at ? ` · ${t("acknowledged")}: ${a.note}` : ""));
  a.fresh = false;
  if (!a.acknowledged_at && HQ.role !== "supervisor") {  // supervisors watch, managers act
    const input = el("input", { placeholder: t("ack_note"), maxlength: "500" });
    card.append(el("div", { class: "ack" }, input, el("button", { type: "button", onclick: () => input.value.trim() && acknowledge(a, input.value.trim()) }, t("acknowledge"))));
  }
  return card;
}
function alertsPanel(code) {
  const alerts = [...(HQ.alerts[code] || new Map()).values()]
    .sort((x, y) => (x.level === y.level ? (y.raised_at || "").localeCompare(x.raised_at || "") : x.level === "red" ? -1 : 1));
  return el("div", { class: "panel alerts", "data-alerts": code }, el("h3", {}, `${t("alerts")} (${alerts.length})`),
    el("div", { class: "alert-list" }, alerts.length ? alerts.map(alertCard) : el("p", { class: "muted" }, t("no_alerts"))));
}
function render() {
  const main = document.getElementById("floor");
  if (main.hidden) return;
  const focused = document.activeElement;
  if (focused && focused.tagName === "INPUT" && main.contains(focused)) return; // typing a note
  const first = HQ.floors[(HQ.halls[0] || {}).code];
  document.getElementById("clock").textContent = new Date().toLocaleTimeString(HQ.lang === "zh" ? "zh-CN" : "en-GB",
    { hour12: false, timeZone: first ? first.timezone : undefined });
  main.replaceChildren(...HQ.halls.filter((h) => HQ.floors[h.code]).map((h) => {
    const floor = HQ.floors[h.code];
    return el("section", { class: "hall", "data-hall": h.code }, el("h2", {}, floor.name),
      figures(floor), servicesPanel(floor), windowsPanel(floor), alertsPanel(h.code));
  }));
}

const loginFields = document.getElementById("login-form");
Hallq.loginForm({ form: loginFields, username: loginFields.elements.username,
  password: loginFields.elements.password, error: document.getElementById("login-error") },
login, () => t("login_failed"));
document.getElementById("logout").addEventListener("click", logout);
document.getElementById("lang").addEventListener("click", () => {
  HQ.lang = HQ.lang === "zh" ? "en" : "zh"; localStorage.setItem("hallq.lang", HQ.lang);
  applyLanguage(); render(); if (window.HQReports) HQReports.rerender();
});
document.querySelectorAll(".tab").forEach((tab) => tab.addEventListener("click", () => {
  document.querySelectorAll(".tab").forEach((x) => x.classList.toggle("active", x === tab));
  document.getElementById("floor").hidden = tab.dataset.tab !== "floor";
  document.getElementById("reports").hidden = tab.dataset.tab !== "reports";
  if (tab.dataset.tab === "reports" && window.HQReports) HQReports.load(); else render();
}));
applyLanguage();
if (HQ.token) start();
