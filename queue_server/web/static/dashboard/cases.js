// The 限时办结 tab (issue 11): the hall's cases over a period by department (overdue by
// department first), matter, kind (五件), window or staff: 办结率, 按时办结率, overdue, average
// working days against promised and statutory (压缩率); CSV and Excel of exactly these figures
// (GET …/cases/report, .csv, .xlsx). Uses the dashboard's t, el, api and percent.
"use strict";
window.HQCases = (() => {
  Hallq.texts.add({
    zh: { tab_cases: "办件统计", cases_by_matter: "按办理事项", cases_by_kind: "按办件类型",
      cases_col_department: "部门", cases_col_matter: "办理事项", cases_col_kind: "办件类型",
      cases_col_window: "窗口", cases_col_staff: "工作人员", cases_accepted: "受理",
      cases_done: "办结", cases_on_time: "按时办结", cases_open: "在办", cases_overdue: "超期",
      cases_done_rate: "办结率", cases_on_time_rate: "按时办结率",
      cases_avg_working: "平均办理(工作日)", cases_avg_promised: "平均承诺(工作日)",
      cases_avg_statutory: "平均法定(工作日)", cases_compression: "压缩率",
      cases_corrections: "补正", cases_refused: "不予受理", cases_empty: "所选期间没有办件" },
    en: { tab_cases: "Cases", cases_by_matter: "By matter", cases_by_kind: "By kind",
      cases_col_department: "Department", cases_col_matter: "Matter", cases_col_kind: "Kind",
      cases_col_window: "Window", cases_col_staff: "Staff", cases_accepted: "Accepted",
      cases_done: "Done", cases_on_time: "On time", cases_open: "Open", cases_overdue: "Overdue",
      cases_done_rate: "Done rate", cases_on_time_rate: "On-time rate",
      cases_avg_working: "Avg working days", cases_avg_promised: "Avg promised days",
      cases_avg_statutory: "Avg statutory days", cases_compression: "Compression",
      cases_corrections: "Corrections", cases_refused: "Refused",
      cases_empty: "No cases in this period" },
  });
  const COLUMNS = [["accepted", "cases_accepted"], ["corrections", "cases_corrections"],
    ["refused", "cases_refused"], ["done", "cases_done"], ["on_time", "cases_on_time"],
    ["open", "cases_open"], ["overdue", "cases_overdue"], ["done_rate", "cases_done_rate", "p"],
    ["on_time_rate", "cases_on_time_rate", "p"], ["avg_working_days", "cases_avg_working"],
    ["avg_promised_days", "cases_avg_promised"], ["avg_statutory_days", "cases_avg_statutory"],
    ["compression", "cases_compression", "p"]];
  const $ = (id) => document.getElementById(id);
  const form = () => $("cases-form");
  let last = null;

  function init() {
    const select = form().hall;
    if (select.options.length) return;
    select.replaceChildren(...HQ.halls.map((h) => el("option", { value: h.code }, h.name)));
  }
  // Without dates the server answers this month of the hall's own calendar, and the form
  // shows the period it used.
  function url(ext = "") {
    const f = form();
    const period = f.from.value && f.to.value ? `from=${f.from.value}&to=${f.to.value}&` : "";
    return `/api/v1/halls/${encodeURIComponent(f.hall.value)}/cases/report${ext}` +
      `?${period}by=${f.by.value}`;
  }
  function cell(value, kind) {
    if (kind === "p") return percent(value);
    return value === null || value === undefined ? "—" : String(value);
  }
  function row(label, figures, cls) {
    return el("tr", { class: cls + (figures.overdue ? " overdue" : "") }, el("td", {}, label),
      COLUMNS.map(([k, , kind]) => el("td", { class: "n", "data-col": k },
                                      cell(figures[k], kind))));
  }
  function render() {
    if (!last) return;
    const header = el("tr", {}, el("th", {}, t("cases_col_" + last.by)),
      COLUMNS.map(([, label]) => el("th", { class: "n" }, t(label))));
    const label = (r) => (last.by === "matter" ? `${r.key} ${r.label}` : r.label);
    const rows = last.rows.map((r) => row(label(r), r, ""));
    const body = last.rows.length ? [...rows, row(t("total"), last.total, "total")]
      : [el("tr", {}, el("td", { colspan: COLUMNS.length + 1 }, t("cases_empty")))];
    $("cases-table").replaceChildren(el("table", { "data-by": last.by }, header, body));
  }
  async function load() {
    if (!HQ.halls.length) {  // signed in a moment ago: the halls are still being read
      if (!$("cases-report").hidden) setTimeout(load, 300);
      return;
    }
    init();
    const response = await api(url());
    if (!response.ok) return;
    last = await response.json();
    form().from.value = last.from;
    form().to.value = last.to;
    render();
  }
  const download = (ext) => downloadFile(url(ext), "cases" + ext);

  form().addEventListener("submit", (e) => { e.preventDefault(); load(); });
  $("cases-xlsx").addEventListener("click", () => download(".xlsx"));
  $("cases-csv").addEventListener("click", () => download(".csv"));
  document.querySelectorAll(".tab").forEach((tab) => tab.addEventListener("click", () => {
    $("cases-report").hidden = tab.dataset.tab !== "cases";
    if (tab.dataset.tab === "cases") load();
  }));
  $("logout").addEventListener("click", () => { $("cases-report").hidden = true; });
  $("lang").addEventListener("click", render);
  Hallq.texts.apply($("cases-report"));
  Hallq.texts.apply($("tabs"));
  return { load, render };
})();
