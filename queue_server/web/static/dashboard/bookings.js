// The bookings tab (预约, issue 13): today's and the coming bookable days' bookings per service
// and slot by state; over the last 30 days the no-show (爽约) rate, the share of tickets that
// were booked and booked citizens' waits after check-in; CSV and Excel downloads of the same.
// Uses t, el, api, downloadFile, duration and percent from dashboard.js.
"use strict";
Hallq.texts.add({
  zh: { tab_bookings: "预约", bk_figures: "预约指标（近30天）", bk_no_show_rate: "爽约率",
    bk_booked_share: "预约取号占比", bk_avg_wait: "签到后平均等候", bk_max_wait: "签到后最长等候",
    bk_waiting_now: "正在等候的预约群众", bk_day: "日期", bk_slot: "时段", bk_booked: "已预约",
    bk_checked_in: "已签到", bk_cancelled: "已取消", bk_missed: "爽约", bk_none: "暂无预约",
    bk_today: "今天" },
  en: { tab_bookings: "Bookings", bk_figures: "Bookings (last 30 days)",
    bk_no_show_rate: "No-show rate", bk_booked_share: "Share of booked tickets",
    bk_avg_wait: "Mean wait after check-in", bk_max_wait: "Longest wait after check-in",
    bk_waiting_now: "Booked citizens waiting now", bk_day: "Day", bk_slot: "Slot",
    bk_booked: "Booked", bk_checked_in: "Checked in", bk_cancelled: "Cancelled",
    bk_missed: "No-show", bk_none: "No bookings", bk_today: "today" },
});
applyLanguage();  // dashboard.js applied it before these words were known
window.HQBookings = (() => {
  const $ = (id) => document.getElementById(id);
  const STATES = ["booked", "checked_in", "cancelled", "missed"];
  let last = null;
  const form = () => $("bookings-form");
  const url = (ext = "") =>
    `/api/v1/halls/${encodeURIComponent(form().hall.value)}/bookings/overview${ext}`;

  function init() {
    if (form().hall.options.length) return;
    form().hall.replaceChildren(...HQ.halls.map((h) => el("option", { value: h.code }, h.name)));
  }
  async function load() {
    init();
    if (!form().hall.value) return;
    const response = await api(url());
    if (!response.ok) return;
    last = await response.json();
    render();
  }
  function figures(f) {
    const rows = [["bk_no_show_rate", percent(f.no_show_rate)],
      ["bk_booked_share", percent(f.booked_share)], ["bk_avg_wait", duration(f.avg_wait_s)],
      ["bk_max_wait", duration(f.max_wait_s)], ["bk_waiting_now", f.waiting_now]];
    $("bookings-figures").replaceChildren(...rows.flatMap(([key, value]) => {
      const dd = el("dd", {}, String(value)); dd.dataset.figure = key;
      return [el("dt", {}, t(key)), dd];
    }));
  }
  function table(view) {
    if (!view.slots.length) return el("p", { class: "empty" }, t("bk_none"));
    const header = el("tr", {}, el("th", {}, t("bk_day")), el("th", {}, t("service")),
      el("th", {}, t("bk_slot")), STATES.map((s) => el("th", { class: "n" }, t("bk_" + s))));
    const rows = view.slots.map((s) => el("tr", { "data-day": s.day, "data-service": s.service },
      el("td", {}, s.day === view.today ? `${s.day} (${t("bk_today")})` : s.day),
      el("td", {}, `${s.service} ${s.service_name}`), el("td", {}, s.slot),
      STATES.map((state) => el("td", { class: "n", "data-col": state }, String(s[state])))));
    return el("table", {}, header, rows);
  }
  function render() {
    if (!last) return;
    figures(last.figures);
    $("bookings-table").replaceChildren(table(last));
  }
  const download = (ext) => downloadFile(url(ext), "bookings" + ext);
  document.querySelectorAll(".tab").forEach((tab) => tab.addEventListener("click", () => {
    $("bookings").hidden = tab.dataset.tab !== "bookings";
    if (tab.dataset.tab === "bookings") load();
  }));
  form().addEventListener("submit", (e) => { e.preventDefault(); load(); });
  $("bookings-xlsx").addEventListener("click", () => download(".xlsx"));
  $("bookings-csv").addEventListener("click", () => download(".csv"));
  $("lang").addEventListener("click", render);
  $("logout").addEventListener("click", () => { $("bookings").hidden = true; last = null; });
  return { load, render };
})();
