/* The working view of the counter: the /staff connection and what it shows — the current
   ticket, the next numbers in line, held tickets (挂起), the window's queues, the clerk's day. */
(function () {
  "use strict";
  const C = window.hallqCounter;
  const {T, $, hallq, config} = C;
  const QUEUE_REFRESH_MS = 1500;  // the next numbers are re-read at most this often
  let queueRefresh = null;

  C.work = function () {
    C.view("work-view");
    C.showError("");
    connect();
    C.refresh();
  };

  C.refresh = async function () {
    try { applyState(await C.api("GET", C.windowPath("/counter"))); } catch (error) {
      C.showError(C.errorText(error));
    }
  };

  C.refreshFigures = async function () {
    try {
      C.renderFigures((await C.api("GET", "/halls/" + C.session.hall + "/me")).figures);
    } catch (e) { /* figures are a convenience */ }
  };

  C.disconnect = function () {
    if (C.socket) { C.socket.disconnect(); C.socket = null; }
  };

  function connect() {
    C.disconnect();
    const socket = C.socket = io("/staff", {auth: {token: C.session.token, hall: C.session.hall,
                                                   window: C.session.window}});
    socket.on("connect", () => { $("connection").hidden = true; });
    socket.on("disconnect", () => { C.show($("connection"), T.offline); });
    socket.on("connect_error", (error) => {
      const data = error && error.data;
      if (data && data.code) {
        C.showError(C.errorText(data));
        if (data.code === "unauthenticated") C.logOut(C.errorText(data));
      } else {
        C.show($("connection"), T.offline);
      }
    });
    socket.on("counter_state", (data) => { hallq.events.push("counter_state"); applyState(data); });
    socket.on("queue_changed", (data) => { hallq.events.push("queue_changed"); applyQueues(data); });
    socket.on("estimates_changed", (data) => {  // the forecast moved by more than a minute
      hallq.events.push("estimates_changed"); applyEstimates(data.services);
    });
  }

  function applyEstimates(estimates) {
    if (!C.state || !estimates) return;
    C.state.queues = C.state.queues.map((q) => (q.service === null || estimates[q.service] === undefined
      ? q : Object.assign({}, q, {estimated_wait_s: estimates[q.service]})));
    renderQueues(C.state.queues);
  }

  function applyState(data) {
    if (!data || data.window !== C.session.window) return;
    if (data.session && hallq.me && data.session.user !== hallq.me.user) {
      // A manager took this window over: this page no longer works it.
      C.disconnect();
      C.session.window = null; C.save();
      return C.chooseWindow(hallq.me, Hallq.t("taken_over", {name: data.session.name}));
    }
    if (data.services) hallq.services = data.services;
    if (data.windows) hallq.windows = data.windows;
    C.state = hallq.state = Object.assign({}, C.state || {}, data);
    C.stateAt = Date.now();
    C.skewMs = Date.parse(data.now) - Date.now();
    $("where").textContent = (hallq.me ? hallq.me.hall_name + " · " : "") + data.window_name;
    renderCurrent();
    renderQueues(C.state.queues);
    renderUpcoming(C.state.upcoming || []);
    renderHeld(C.state.held || []);
    if (C.syncUndo) C.syncUndo(C.state);
  }
  C.applyState = applyState;

  function applyQueues(summary) {
    const state = C.state;
    if (!state) return;
    C.skewMs = Date.parse(summary.now) - Date.now();
    state.queues = state.queues.map((q) => {
      const fresh = q.service === null ? summary.targeted[String(state.window)]
                                       : summary.services[q.service];
      return Object.assign({}, q, fresh || {waiting: 0, oldest_queued_at: null});
    });
    if (summary.estimates) return applyEstimates(summary.estimates);
    renderQueues(state.queues);
    // The next numbers depend on the call order: re-read them (a few times a minute at most).
    if (!queueRefresh) {
      queueRefresh = setTimeout(() => { queueRefresh = null; C.refresh(); }, QUEUE_REFRESH_MS);
    }
  }

  function renderCurrent() {
    const state = C.state, current = state.current;
    const paused = state.state === "paused";
    const idle = !current && !paused;
    const nobody = idle && !(state.upcoming || []).length;
    $("current-number").textContent = current ? current.number : "—";
    $("current-service").textContent = current ? C.serviceName(current.service,
                                                               current.service_name)
      : (nobody ? T.queue_empty_calm : (idle ? T.ready_to_call : ""));
    $("current").classList.toggle("is-idle", !current);
    $("current-waited").textContent = current ? C.duration(current.waited_s) : "—";
    $("current-recalls").textContent = current && current.recall_count
      ? Hallq.t("recalls", {n: current.recall_count}) : "";
    $("current-requeued").textContent = current && current.requeued_count
      ? Hallq.t("requeued_badge", {n: current.requeued_count}) : "";
    $("current-booked").hidden = !(current && current.booked);
    $("current-booked").textContent = T.booked_badge;
    $("current").classList.toggle("is-paused", paused);
    C.show($("paused-banner"), paused ? (state.reason ? Hallq.t("paused", {reason: state.reason})
                                                      : T.paused_no_reason) : "");
    $("btn-pause").hidden = paused;
    $("btn-resume").hidden = !paused;
    for (const id of ["btn-recall", "btn-finish", "btn-no-show", "btn-transfer", "btn-hold"]) {
      $(id).disabled = !current;
    }
    $("btn-call").disabled = paused;
    $("btn-select").disabled = paused;
    tick();
  }

  function renderQueues(queues) {
    const body = $("queue-rows");
    body.textContent = "";
    for (const q of queues || []) {
      if (q.service === null && !q.waiting) continue;
      const row = body.insertRow();
      row.dataset.service = q.service || "";
      const name = q.service === null ? T.sent_here
        : (config.lang === "en" && q.name_en ? q.name_en : q.service_name);
      row.insertCell().textContent = (q.service ? q.service + " · " : "") + name;
      const count = row.insertCell();
      count.textContent = q.waiting; count.className = "num";
      const oldest = row.insertCell();
      oldest.className = "num oldest";
      oldest.dataset.since = q.oldest_queued_at || "";
      const estimate = row.insertCell();
      estimate.className = "num estimate";
      // A new ticket's wait (the forecast's, pushed when it moves by more than a minute).
      const wait = q.service === null ? null : q.estimated_wait_s;
      estimate.textContent = wait === null || wait === undefined ? "—"
        : wait < 30 ? "0" : Hallq.t("about_minutes", {m: Hallq.waitMinutes(wait)});
    }
    tick();
  }

  function badge(text, kind) { return Hallq.el("span", "badge " + kind, text); }

  function renderUpcoming(list) {
    const box = $("upcoming-list");
    box.textContent = "";
    C.show($("upcoming-empty"), list.length ? "" : T.upcoming_none);
    for (const t of list) {
      const item = Hallq.el("li", "upcoming-item");
      item.dataset.number = t.number;
      item.append(Hallq.el("b", "upcoming-number", t.number),
                  Hallq.el("span", "upcoming-service", C.serviceName(t.service, t.service_name)));
      if (t.priority === "priority") item.append(badge(T.priority_badge, "green"));
      if (t.booked) item.append(badge(T.booked_badge, "blue booked"));
      if (t.targeted) item.append(badge(T.sent_here_badge, "blue"));
      if (t.requeued_count) item.append(badge(Hallq.t("requeued_badge", {n: t.requeued_count}),
                                              "orange"));
      item.append(Hallq.el("span", "upcoming-wait", C.duration(t.waited_s)));
      box.appendChild(item);
    }
  }

  function renderHeld(list) {
    const box = $("held-list");
    box.textContent = "";
    $("held-card").hidden = !list.length;
    const busy = Boolean(C.state.current);
    for (const t of list) {
      const item = Hallq.el("li", "held-item");
      item.dataset.ticket = t.id;
      item.append(Hallq.el("b", "held-number", t.number),
                  Hallq.el("span", "held-service", C.serviceName(t.service, t.service_name)));
      const back = Hallq.el("button", "held-back", T.unhold);
      back.type = "button";
      back.disabled = busy || C.state.state === "paused";
      back.title = busy ? T.unhold_busy : "";
      back.addEventListener("click", () => C.act("unhold", {ticket: t.id}));
      item.append(back);
      box.appendChild(item);
    }
    C.show($("held-hint"), list.length && busy ? T.unhold_busy : "");
  }

  C.renderFigures = function (figures) {
    const list = $("figures");
    list.textContent = "";
    for (const key of Object.keys(T.figures)) {
      let value = figures[key];
      if (key.endsWith("_s")) value = C.duration(value);
      else if (key === "satisfaction_rate") value = value === null ? "—"
        : (value * 100).toFixed(1) + "%";
      const dd = Hallq.el("dd", null, value); dd.dataset.figure = key;
      list.append(Hallq.el("dt", null, T.figures[key]), dd);
    }
  };

  function tick() {
    const now = Date.now() + C.skewMs;
    $("clock").textContent = new Date(now).toLocaleTimeString(T.locale, {hour12: false,
                                                                        timeZone: C.timeZone});
    const current = C.state && C.state.current;
    $("current-serving").textContent = current
      ? C.duration(current.serving_s + (Date.now() - C.stateAt) / 1000) : "—";
    for (const cell of document.querySelectorAll("#queue-rows .oldest")) {
      cell.textContent = cell.dataset.since
        ? C.duration((now - Date.parse(cell.dataset.since)) / 1000) : "—";
    }
    if (C.tickUndo) C.tickUndo();
  }
  setInterval(tick, 1000);
})();
