// The city network tab: every hall of the manager's subtree with its live figures and status
// light (GET /api/v1/network/summary), kept live by the /network namespace's coalesced
// `network_changed` pushes (at most one a second, only the halls that changed); sort and
// filter by level; drill down into a hall's live floor (the floor tab's own panels) and back;
// the 效能排名 ranking with its Excel export. Uses the page's helpers from dashboard.js.
"use strict";
Hallq.texts.add({ zh: {
  tab_network: "全市网络", net_level: "层级", net_all_levels: "全部层级", net_sort: "排序",
  net_sort_tree: "按层级结构", net_sort_status: "按状态（红灯在前）", net_sort_waiting: "按等候人数",
  net_sort_longest: "按最长等候", net_sort_issued: "按今日取号", net_sort_satisfaction: "按满意率（低在前）",
  level_city: "市级中心", level_branch: "分中心", level_county: "县区中心", level_town: "乡镇(街道)",
  level_community: "社区", level_village: "村代办点", net_back: "← 返回全市网络",
  net_rule: "红灯：有红色预警，或有人等候而无窗口开放；黄灯：有黄色预警，或最长等候达20分钟，或今日满意率低于90%（至少10条评价）；其余为绿灯。",
  net_hall: "大厅", net_status: "状态", net_windows: "窗口 在岗/开放/总数", net_alerts: "预警 红/黄",
  net_longest: "最长等候", net_issued: "今日取号", net_total: "全网合计", net_halls: "大厅数",
  status_green: "绿灯", status_yellow: "黄灯", status_red: "红灯", net_none: "无可显示的大厅",
  rank_title: "效能排名", rank_by_hall: "按大厅", rank_by_department: "按部门（跨大厅）", rank: "名次",
  rank_tickets: "办件量", rank_overdue: "超时件数", rank_department: "部门", net_loading: "加载中…",
  net_floor_forbidden: "您的账号无权查看该大厅的实时监控", net_floor_failed: "暂时无法读取该大厅的实时监控，请稍后再试",
}, en: {
  tab_network: "City network", net_level: "Level", net_all_levels: "All levels", net_sort: "Sort",
  net_sort_tree: "Tree", net_sort_status: "Status (red first)", net_sort_waiting: "Waiting",
  net_sort_longest: "Longest wait", net_sort_issued: "Tickets today", net_sort_satisfaction: "Satisfaction (lowest first)",
  level_city: "City centre", level_branch: "Branch centre", level_county: "County centre", level_town: "Town",
  level_community: "Community", level_village: "Village point", net_back: "← Back to the network",
  net_rule: "Red: an open red alert, or people waiting and no window open. Yellow: an open yellow alert, a wait of 20 minutes or more, or today's satisfaction under 90% (10+ ratings). Green otherwise.",
  net_hall: "Hall", net_status: "Status", net_windows: "Windows staffed/open/all", net_alerts: "Alerts red/yellow",
  net_longest: "Longest wait", net_issued: "Tickets today", net_total: "Whole network", net_halls: "Halls",
  status_green: "green", status_yellow: "yellow", status_red: "red", net_none: "No halls to show",
  rank_title: "Performance ranking", rank_by_hall: "By hall", rank_by_department: "By department (across halls)",
  rank: "Rank", rank_tickets: "Tickets", rank_overdue: "Overdue", rank_department: "Department", net_loading: "Loading…",
  net_floor_forbidden: "Your account may not watch this hall's floor", net_floor_failed: "The hall's floor cannot be read just now; try again shortly",
} });

applyLanguage();  // dashboard.js applied it before these words were known

window.HQNetwork = (() => {
  const S = { halls: new Map(), order: [], fetchedAt: 0, socket: null, timer: null, drill: null, ranking: null };
  const STATUS_ORDER = { red: 0, yellow: 1, green: 2 };
  const $ = (id) => document.getElementById(id);
  const opened = () => !$("network").hidden;

  async function load() {
    const response = await api("/api/v1/network/summary");
    if (!response.ok) return;
    const body = await response.json();
    S.halls = new Map(body.halls.map((h) => [h.code, h]));
    S.order = body.halls.map((h) => h.code);
    S.fetchedAt = Date.now();
    render();
  }
  function merge(rows) {  // a network_changed push: the halls that changed, complete rows
    for (const row of rows) if (S.halls.has(row.code)) S.halls.set(row.code, Object.assign(S.halls.get(row.code), row));
    if (S.drill && rows.some((row) => row.code === S.drill)) drillRefresh();  // the open floor too
    render();
  }
  function connect() {
    if (S.socket) return;
    S.socket = io("/network", { auth: { token: HQ.token }, transports: ["websocket"] });
    S.socket.on("network_changed", (p) => merge(p.halls || []));
    S.socket.on("connect", load);  // after a reconnect: whatever was missed
    HQ.sockets.push(S.socket);
  }

  // ---- the overview ------------------------------------------------------------------------
  function depth(code) {
    let d = 0, hall = S.halls.get(code);
    while (hall && hall.parent && S.halls.has(hall.parent) && d < 10) { d++; hall = S.halls.get(hall.parent); }
    return d;
  }
  function visible() {
    const level = $("net-level").value, sort = $("net-sort").value;
    const rows = S.order.map((c) => S.halls.get(c)).filter((h) => !level || h.level === level);
    if (sort === "status") rows.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || b.waiting - a.waiting);
    else if (sort === "satisfaction_rate") rows.sort((a, b) => (a.satisfaction_rate ?? 2) - (b.satisfaction_rate ?? 2));
    else if (sort !== "tree") rows.sort((a, b) => (b[sort] ?? 0) - (a[sort] ?? 0));
    return rows;
  }
  function hallName(h) { return (HQ.lang === "en" && h.name_en) || h.name; }
  function light(status) { return el("span", { class: "light " + status, title: t("status_" + status) }); }
  function hallCell(h, indent) {
    return el("td", { class: "hall-name" }, indent ? el("span", { class: `indent d${Math.min(depth(h.code), 5)}` }) : null,
      el("button", { type: "button", class: "hall-link", "data-drill": h.code, onclick: () => drill(h.code) }, hallName(h)),
      h.level ? el("span", { class: "level-tag" }, t("level_" + h.level)) : null);
  }
  function table(rows) {
    const tree = $("net-sort").value === "tree" && !$("net-level").value;
    const heads = [["net_hall"], ["net_status"], ["waiting_now", "n"], ["net_longest", "n"], ["net_windows", "n"],
      ["net_issued", "n"], ["served", "n"], ["avg_wait", "n"], ["satisfaction", "n"], ["net_alerts", "n"]];
    const dt = (Date.now() - S.fetchedAt) / 1000;
    return [el("tr", {}, heads.map(([k, c]) => el("th", { class: c || "" }, t(k)))),
      ...rows.map((h) => el("tr", { class: "status-" + h.status, "data-hall": h.code, "data-status": h.status },
        hallCell(h, tree), el("td", {}, light(h.status), t("status_" + h.status)),
        el("td", { class: "n big" }, h.waiting),
        el("td", { class: "n" }, h.waiting ? duration(h.longest_wait_s + dt) : "—"),
        el("td", { class: "n" }, `${h.windows_staffed} / ${h.windows_open} / ${h.windows}`),
        el("td", { class: "n" }, h.issued), el("td", { class: "n" }, h.served),
        el("td", { class: "n" }, duration(h.avg_wait_s)), el("td", { class: "n" }, percent(h.satisfaction_rate)),
        el("td", { class: "n" }, el("span", { class: h.alerts_red ? "lvl-red" : "" }, ` ${h.alerts_red} `), " / ",
          el("span", { class: h.alerts_yellow ? "lvl-yellow" : "" }, ` ${h.alerts_yellow} `))))];
  }
  function totals(rows) {  // the roll-up of the rows shown (the server's, recomputed live)
    const sum = (k) => rows.reduce((s, h) => s + (h[k] || 0), 0);
    const rated = sum("evaluations"), called = sum("called");
    const wait = called ? rows.reduce((s, h) => s + (h.avg_wait_s || 0) * (h.called || 0), 0) / called : null;
    const items = [["net_halls", rows.length], ["waiting_now", sum("waiting")],
      ["net_longest", duration(Math.max(0, ...rows.map((h) => h.longest_wait_s || 0)))],
      ["net_windows", `${sum("windows_staffed")} / ${sum("windows_open")} / ${sum("windows")}`],
      ["net_issued", sum("issued")], ["served", sum("served")], ["avg_wait", duration(wait)],
      ["satisfaction", percent(rated ? (rated - sum("bad_reviews")) / rated : null)]];
    return [el("h3", {}, t("net_total")), el("div", { class: "figures" }, items.map(([k, v]) =>
      el("div", { class: "figure", "data-figure": k }, el("div", { class: "v" }, v), el("div", { class: "k" }, t(k)))))];
  }
  function render() {
    if (!opened() || S.drill) return;
    const rows = visible();
    const counts = { red: 0, yellow: 0, green: 0 };
    rows.forEach((h) => { counts[h.status]++; });
    $("net-statuses").replaceChildren(...["red", "yellow", "green"].map((s) =>
      el("span", { class: "status-count", "data-count": s }, light(s), counts[s])));
    $("net-total").replaceChildren(...totals(rows));
    $("net-table").replaceChildren(...(rows.length ? table(rows) : [el("tr", {}, el("td", {}, t("net_none")))]));
  }

  // ---- drill down: one hall's live floor, then back ---------------------------------------
  function path(code) {
    const chain = [];
    for (let h = S.halls.get(code); h; h = S.halls.get(h.parent)) chain.unshift(h);
    return chain;
  }
  async function drill(code) {
    S.drill = code;
    $("net-overview").hidden = true; $("net-drill").hidden = false;
    $("net-path").replaceChildren(...path(code).flatMap((h, i) => [...(i ? [el("span", { class: "sep" }, "›")] : []),
      h.code === code ? el("strong", {}, h.name) : el("button", { type: "button", class: "hall-link", onclick: () => drill(h.code) }, h.name)]));
    $("net-floor").replaceChildren(el("p", { class: "muted" }, t("net_loading")));
    await drillRefresh();
  }
  async function drillRefresh() {
    const code = S.drill;
    if (!code) return;
    const response = await api(`/api/v1/halls/${encodeURIComponent(code)}/floor`);
    if (S.drill !== code) return;
    if (!response.ok) {
      $("net-floor").replaceChildren(el("p", { class: "error", "data-status": response.status },
        t(response.status === 403 ? "net_floor_forbidden" : "net_floor_failed")));
      return;
    }
    const floor = await response.json();
    floor.fetchedAt = Date.now();
    HQ.alerts[code] = new Map(floor.alerts.map((a) => [a.id, a]));
    $("net-floor").replaceChildren(el("section", { class: "hall", "data-hall": code }, el("h2", {}, floor.name),
      figures(floor), servicesPanel(floor), windowsPanel(floor), alertsPanel(code)));
  }
  function back() {
    S.drill = null;
    $("net-drill").hidden = true; $("net-overview").hidden = false;
    render();
  }

  // ---- 效能排名 --------------------------------------------------------------------------------
  const RANK_COLUMNS = [["tickets", "rank_tickets"], ["avg_wait_s", "avg_wait", "d"], ["avg_handling_s", "avg_handling", "d"],
    ["satisfaction_rate", "satisfaction", "p"], ["evaluations", "evaluations"], ["bad_reviews", "bad_reviews"], ["overdue", "rank_overdue"]];
  function rankQuery() {
    const f = $("rank-form");
    return `by=${f.by.value}&from=${f.from.value}&to=${f.to.value}`;
  }
  async function loadRanking() {
    const f = $("rank-form");
    if (!f.from.value) {  // the last four weeks, the hall's calendar days
      const day = (ms) => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date(ms));
      f.to.value = day(Date.now()); f.from.value = day(Date.now() - 27 * 86400000);
    }
    const response = await api(`/api/v1/network/ranking?${rankQuery()}`);
    if (!response.ok) return;
    S.ranking = await response.json();
    renderRanking();
  }
  function renderRanking() {
    const r = S.ranking;
    if (!r) return;
    const cell = (v, kind) => (kind === "d" ? duration(v) : kind === "p" ? percent(v) : v ?? "—");
    const first = r.by === "hall" ? "net_hall" : "rank_department";
    $("rank-table").replaceChildren(el("tr", {}, el("th", {}, t("rank")), el("th", {}, t(first)),
      RANK_COLUMNS.map(([, label]) => el("th", { class: "n" }, t(label)))),
      ...r.rows.map((row) => el("tr", { "data-rank": row.key }, el("td", { class: "rank" }, row.rank),
        el("td", {}, row.label, row.level ? el("span", { class: "level-tag" }, t("level_" + row.level)) : null),
        RANK_COLUMNS.map(([k, , kind]) => el("td", { class: "n" }, cell(row[k], kind))))));
  }
  const exportRanking = () => downloadFile(`/api/v1/network/ranking.xlsx?${rankQuery()}`,
                                           "ranking.xlsx");

  // ---- the tab -----------------------------------------------------------------------------
  function tickClock() {  // the floor tab's clock stops while it is hidden
    const first = HQ.floors[(HQ.halls[0] || {}).code];
    $("clock").textContent = new Date().toLocaleTimeString(HQ.lang === "zh" ? "zh-CN" : "en-GB",
      { hour12: false, timeZone: first ? first.timezone : undefined });
  }
  function show() {
    connect();
    load(); loadRanking();
    if (!S.timer) {
      S.timer = setInterval(() => { if (opened()) { tickClock(); if (!S.drill) render(); } }, 1000);
      HQ.timers.push(S.timer, setInterval(() => { if (opened() && S.drill) drillRefresh(); }, 5000),
        setInterval(() => { if (opened()) load(); }, 60000));  // a full read now and then
    }
  }
  document.querySelectorAll(".tab").forEach((tab) => tab.addEventListener("click", () => {
    $("network").hidden = tab.dataset.tab !== "network";
    if (tab.dataset.tab === "network") show();
  }));
  $("net-level").addEventListener("change", render);
  $("net-sort").addEventListener("change", render);
  $("net-back").addEventListener("click", back);
  $("rank-form").addEventListener("submit", (e) => { e.preventDefault(); loadRanking(); });
  $("rank-xlsx").addEventListener("click", exportRanking);
  $("lang").addEventListener("click", () => { render(); renderRanking(); if (S.drill) drillRefresh(); });
  $("logout").addEventListener("click", () => { $("network").hidden = true; S.socket = null; S.timer = null; S.drill = null; });
  return { load, drill, back, merge, state: S };
})();
