// The staffing planner tab (排班规划): the manager picks a weekday, the server simulates the
// hall's average such day from its history (POST /api/v1/halls/{hall}/planner) and answers the
// waits by hour and service with the windows open and the windows an Erlang C queue suggests;
// the manager then opens or closes windows per hour or changes a window's services and runs
// the simulator again ("what if"). Uses the page's helpers from dashboard.js (t, el, api).
"use strict";
Hallq.texts.add({ zh: {
  tab_planner: "排班规划", plan_weekday: "星期", plan_days: "参考历史（天）", plan_target: "目标等候（分钟）",
  plan_history: "按历史预测", plan_run: "按调整方案模拟", plan_reset: "恢复原方案", plan_add: "＋ 增加窗口",
  plan_waits: "各时段预计平均等候（分钟）与窗口数（开放/建议）", plan_windows: "窗口方案（勾选 = 该时段开放）",
  plan_note: "按所选星期的历史取号与办理时长模拟一天（与服务器相同的叫号规则）。红色：超过事项限时或目标等候；建议窗口数按排队公式（Erlang C）估算，可在下方调整后模拟验证。",
  wd_0: "周一", wd_1: "周二", wd_2: "周三", wd_3: "周四", wd_4: "周五", wd_5: "周六", wd_6: "周日",
  plan_running: "正在模拟，约需几秒…", plan_busy: "模拟繁忙，请稍后再试", plan_failed: "无法模拟：",
  plan_window: "窗口", plan_services: "事项（按优先顺序）", plan_breaks: "历史休息", plan_hour_open: "开放",
  plan_issued: "预计取号", plan_mean_wait: "平均等候", plan_within: "限时内叫号", plan_idle: "超时且有空闲窗口",
  plan_history_days: "参考天数", plan_seconds: "模拟用时", plan_service: "事项", plan_changed: "（已调整）",
  plan_windows_cell: "窗口", plan_total: "合计",
}, en: {
  tab_planner: "Staffing planner", plan_weekday: "Weekday", plan_days: "History (days)", plan_target: "Target wait (min)",
  plan_history: "Predict from history", plan_run: "Simulate this plan", plan_reset: "Back to the current plan",
  plan_add: "+ Add a window", plan_waits: "Predicted mean wait by hour (minutes) and windows (open/suggested)",
  plan_windows: "Windows (ticked = open that hour)",
  plan_note: "One day simulated from the chosen weekday's tickets and handling times (the server's own call rules). Red: over the service's limit or the target. Suggested windows come from a queueing formula (Erlang C); change the plan below and simulate to check.",
  wd_0: "Monday", wd_1: "Tuesday", wd_2: "Wednesday", wd_3: "Thursday", wd_4: "Friday", wd_5: "Saturday", wd_6: "Sunday",
  plan_running: "Simulating, a few seconds…", plan_busy: "The simulator is busy; try again shortly", plan_failed: "Cannot simulate: ",
  plan_window: "Window", plan_services: "Services (in preference order)", plan_breaks: "Usual breaks", plan_hour_open: "Open",
  plan_issued: "Tickets expected", plan_mean_wait: "Mean wait", plan_within: "Called within limit",
  plan_idle: "Over limit with a window idle", plan_history_days: "Days of history", plan_seconds: "Simulated in",
  plan_service: "Service", plan_changed: " (changed)", plan_windows_cell: "windows", plan_total: "Total",
} });

applyLanguage();  // dashboard.js applied it before these words were known

window.HQPlanner = (() => {
  const S = { last: null, edit: new Map(), hours: [], changed: false, busy: false };
  const $ = (id) => document.getElementById(id);
  const form = () => $("plan-form");
  const hh = (h) => `${String(h).padStart(2, "0")}:00`;

  function init() {
    const select = form().hall;
    if (!select.options.length) select.replaceChildren(...HQ.halls.map((h) => el("option", { value: h.code }, h.name)));
    const today = new Date().getDay();  // 0 = Sunday in JavaScript, 0 = Monday here
    if (!S.last) form().weekday.value = String((today + 6) % 7);
  }
  function status(text, isError) {
    $("plan-status").textContent = text || "";
    $("plan-status").classList.toggle("error", !!isError);
  }
  function hoursOf(body) {
    const [oh] = body.open.split(":").map(Number);
    const [ch, cm] = body.close.split(":").map(Number);
    const hours = []; for (let h = oh; h < ch + (cm ? 1 : 0); h++) hours.push(h);
    return hours;
  }
  function changes() {
    return [...S.edit.entries()].map(([number, w]) => ({ number,
      services: w.services.split(/[\s,，、]+/).map((c) => c.trim().toUpperCase()).filter(Boolean),
      closed_hours: [...w.closed].sort((a, b) => a - b) }));
  }
  async function simulate(withChanges) {
    if (S.busy) return;
    const f = form();
    const body = { weekday: Number(f.weekday.value), days: Number(f.days.value), target_wait_min: Number(f.target.value) };
    if (withChanges) body.windows = changes();
    S.busy = true; status(t("plan_running"));
    ["plan-run", "plan-reset", "plan-add"].forEach((id) => { $(id).disabled = true; });
    try {
      const response = await api(`/api/v1/halls/${encodeURIComponent(f.hall.value)}/planner`,
        { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      const answer = await response.json();
      if (!response.ok) {
        status(response.status === 503 ? t("plan_busy") : t("plan_failed") + ((answer.error || {}).message || response.status), true);
        return;
      }
      S.last = answer; S.hours = hoursOf(answer); S.changed = !!withChanges;
      if (!withChanges) {
        S.edit = new Map(answer.windows.map((w) => [w.number, { services: w.services.join(","), closed: new Set(), breaks: w.breaks }]));
      }
      status("");
      render();
    } finally {
      S.busy = false;
      ["plan-run", "plan-reset", "plan-add"].forEach((id) => { $(id).disabled = !S.last; });
    }
  }
  function serviceName(s) { return HQ.lang === "en" && s.name_en ? s.name_en : s.name; }
  function summary(body) {
    const r = body.result;
    const items = [["plan_issued", r.issued], ["plan_mean_wait", r.mean_wait_min === null ? "—" : `${r.mean_wait_min} ${t("minutes")}`],
      ["plan_within", percent(r.within_limit)], ["plan_idle", r.idle_past_limit],
      ["plan_history_days", `${body.history.days}`],
      ["plan_seconds", `${r.seconds} ${t("seconds")}`]];
    const title = `${t("wd_" + body.weekday)}${S.changed ? t("plan_changed") : ""}`;
    return [el("h3", {}, title), el("div", { class: "figures" }, items.map(([k, v]) =>
      el("div", { class: "figure", "data-figure": k }, el("div", { class: "v" }, String(v)),
        el("div", { class: "k" }, k === "plan_history_days" ? `${t(k)} ${body.history.first} – ${body.history.last}` : t(k)))))];
  }
  function waitsTable(body) {
    const rows = new Map(body.result.by_hour.map((r) => [`${r.service}@${r.hour}`, r]));
    const header = el("tr", {}, el("th", {}, t("plan_service")), S.hours.map((h) => el("th", { class: "n" }, hh(h))));
    const lines = body.services.map((s) => el("tr", { "data-service": s.code }, el("td", {}, `${s.code} ${serviceName(s)}`),
      S.hours.map((h) => {
        const r = rows.get(`${s.code}@${h}`) || {};
        const limit = s.max_wait_min || body.target_wait_min;
        const wait = r.mean_wait_min;
        const over = wait !== null && wait !== undefined && (wait > limit || wait > body.target_wait_min);
        const short = (r.windows_needed || 0) > Math.round((r.windows || 0) + 0.25);
        return el("td", { class: `n plan-cell${over ? " over" : ""}`, "data-hour": String(h) },
          el("b", {}, wait === null || wait === undefined ? "—" : wait.toFixed(1)),
          el("small", { class: short ? "short" : "" }, `${r.windows ?? 0}/${r.windows_needed ?? 0} ${t("plan_windows_cell")}`));
      })));
    return el("table", { class: "plan-table" }, header, lines);
  }
  function windowsTable() {
    const header = el("tr", {}, el("th", {}, t("plan_window")), el("th", {}, t("plan_services")),
      S.hours.map((h) => el("th", { class: "n" }, hh(h))), el("th", {}, t("plan_breaks")));
    const lines = [...S.edit.entries()].map(([number, w]) => el("tr", { "data-window": String(number) },
      el("td", {}, String(number)),
      el("td", {}, el("input", { class: "plan-services", value: w.services, "data-window": String(number), "aria-label": t("plan_services") })),
      S.hours.map((h) => el("td", { class: "n" }, el("input", { type: "checkbox", class: "plan-hour", "data-window": String(number),
        "data-hour": String(h), "aria-label": `${number} ${hh(h)} ${t("plan_hour_open")}`, ...(w.closed.has(h) ? {} : { checked: "" }) }))),
      el("td", { class: "muted" }, (w.breaks || []).join(" "))));
    return el("table", { class: "plan-windows" }, header, lines);
  }
  function render() {
    if (!S.last) return;
    $("plan-summary").hidden = false;
    $("plan-summary").replaceChildren(...summary(S.last));
    $("plan-waits").replaceChildren(waitsTable(S.last));
    $("plan-windows").replaceChildren(windowsTable());
  }
  function addWindow() {
    const number = Math.max(0, ...S.edit.keys()) + 1;
    const first = (S.last.services[0] || {}).code || "";
    S.edit.set(number, { services: first, closed: new Set(), breaks: [] });
    render();
  }
  $("plan-windows").addEventListener("change", (e) => {
    const w = S.edit.get(Number(e.target.dataset.window));
    if (!w) return;
    if (e.target.classList.contains("plan-hour")) {
      const hour = Number(e.target.dataset.hour);
      if (e.target.checked) w.closed.delete(hour); else w.closed.add(hour);
    } else if (e.target.classList.contains("plan-services")) w.services = e.target.value;
  });
  form().addEventListener("submit", (e) => { e.preventDefault(); simulate(false); });
  $("plan-run").addEventListener("click", () => simulate(true));
  $("plan-reset").addEventListener("click", () => simulate(false));
  $("plan-add").addEventListener("click", addWindow);
  document.querySelectorAll(".tab").forEach((tab) => tab.addEventListener("click", () => {
    $("planner").hidden = tab.dataset.tab !== "planner";
    if (tab.dataset.tab === "planner") init();
  }));
  $("lang").addEventListener("click", render);
  $("logout").addEventListener("click", () => { $("planner").hidden = true; });
  return { init, simulate, state: S };
})();
