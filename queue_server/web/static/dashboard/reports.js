// The reports tab: a table for the chosen grouping, four charts (Chart.js, shipped with the
// project) and downloads (CSV, Excel) of exactly the figures shown.
"use strict";
window.HQReports = (() => {
  const charts = {};
  let last = null;
  const form = () => document.getElementById("report-form");
  const COLUMNS = [["issued", "issued_col"], ["served", "served_col"], ["no_show", "no_show_col"],
    ["transfers", "transfers"], ["avg_wait_s", "avg_wait_col", "d"], ["p90_wait_s", "p90_wait_col", "d"],
    ["avg_handling_s", "avg_handling_col", "d"], ["p90_handling_s", "p90_handling_col", "d"],
    ["evaluations", "evaluations"], ["satisfaction_rate", "satisfaction", "p"], ["bad_review_rate", "bad_rate", "p"],
    ["evaluation_coverage", "coverage", "p"], ["pause_s", "pause", "d"], ["alerts", "alerts_col"]];

  function init() {
    const select = form().hall;
    select.replaceChildren(...HQ.halls.map((h) => el("option", { value: h.code }, h.name)));
    const floor = HQ.floors[(HQ.halls[0] || {}).code];  // the hall's own calendar day
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: floor ? floor.timezone : undefined }).format(new Date());
    if (!form().from.value) { form().from.value = today; form().to.value = today; }
  }
  function query(by) {
    const f = form();
    return `from=${f.from.value}&to=${f.to.value}&by=${by || f.by.value}`;
  }
  function url(by, ext = "") { return `/api/v1/halls/${encodeURIComponent(form().hall.value)}/reports${ext}?${query(by)}`; }
  async function get(by) { const r = await api(url(by)); return r.ok ? r.json() : null; }

  async function load() {
    if (!form().hall.value) init();
    const [main, byHour, byService] = await Promise.all([get(), get("hour"), get("service")]);
    if (!main) return;
    last = { main, byHour, byService };
    rerender();
  }
  function cell(value, kind) {
    if (kind === "d") return duration(value);
    if (kind === "p") return percent(value);
    return value ?? "—";
  }
  function table(report) {
    const header = el("tr", {}, el("th", {}, t("col_" + report.by)), COLUMNS.map(([, label]) => el("th", { class: "n" }, t(label))));
    const name = (r) => (report.by === "service" ? `${r.key} ${r.label}`
      : report.by === "staff" && r.staff_no ? `${r.staff_no} ${r.label}` : r.label);  // 工号 姓名
    const rows = report.rows.map((r) => el("tr", {}, el("td", {}, name(r)), COLUMNS.map(([k, , kind]) => el("td", { class: "n", "data-col": k }, cell(r[k], kind)))));
    const total = el("tr", { class: "total" }, el("td", {}, t("total")), COLUMNS.map(([k, , kind]) => el("td", { class: "n", "data-col": k }, cell(report.total[k], kind))));
    return el("table", { "data-by": report.by }, header, rows, total);
  }
  function chart(id, config) {
    if (charts[id]) charts[id].destroy();
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { labels: { font: { size: 15 } } } } }, config.options || {});
    charts[id] = new Chart(document.getElementById(id), config);
  }
  function rerender() {
    if (!last) return;
    const { main, byHour, byService } = last;
    document.getElementById("report-table").replaceChildren(table(main));
    const hours = new Map(byHour.rows.map((r) => [Number(r.key), r]));
    const span = [...hours.keys(), 8, 18];
    const axis = []; for (let h = Math.min(...span); h <= Math.max(...span); h++) axis.push(h);
    chart("chart-volume", { type: "bar", data: { labels: axis.map((h) => `${String(h).padStart(2, "0")}:00`), datasets: [
      { label: t("issued"), data: axis.map((h) => (hours.get(h) || {}).issued || 0), backgroundColor: "#5d8fc7" },
      { label: t("served"), data: axis.map((h) => (hours.get(h) || {}).served || 0), backgroundColor: "#1f9d55" }] } });
    const waits = main.charts.wait_distribution;
    chart("chart-wait", { type: "bar", data: { labels: waits.map((b) => b.minutes), datasets: [
      { label: t("tickets"), data: waits.map((b) => b.tickets), backgroundColor: "#e0a800" }] },
      options: { scales: { x: { title: { display: true, text: t("wait_minutes") } } } } });
    chart("chart-handling", { type: "bar", data: { labels: byService.rows.map((r) => r.key), datasets: [
      { label: `${t("avg")} (${t("minutes")})`, data: byService.rows.map((r) => r.avg_handling_s && +(r.avg_handling_s / 60).toFixed(1)), backgroundColor: "#0b5cad" },
      { label: `${t("p90")} (${t("minutes")})`, data: byService.rows.map((r) => r.p90_handling_s && +(r.p90_handling_s / 60).toFixed(1)), backgroundColor: "#9bb8d9" }] } });
    const grades = main.charts.grades;
    chart("chart-satisfaction", { type: "doughnut", data: { labels: Object.keys(grades).map((g) => t("grade_" + g)),
      datasets: [{ data: Object.values(grades), backgroundColor: ["#1f9d55", "#7cc08f", "#c9d6a3", "#f0a35e", "#c62828"] }] } });
  }
  const download = (ext) => downloadFile(url(null, ext), "report" + ext);
  form().addEventListener("submit", (e) => { e.preventDefault(); load(); });
  document.getElementById("export-xlsx").addEventListener("click", () => download(".xlsx"));
  document.getElementById("export-csv").addEventListener("click", () => download(".csv"));
  return { init, load, rerender };
})();
