/* The hall screen (综合屏): the latest call in very large type (highlighted for a few seconds),
   the last calls, every window's state, people waiting per service, the notice and the hall's
   clock. Rendered from hall_snapshot (on every connect) and the pushed events; nothing polls.
   window.hallq.state is the rendered state; window.hallq.lastRender says what was drawn when. */
(function () {
  "use strict";
  const D = window.HallqDisplay, T = D.T, el = D.el, hallq = window.hallq;
  const RECENT = 9;  // the latest call and 8 before it
  const HIGHLIGHT_MS = 8000;
  const state = hallq.state = {windows: [], services: [], recent: [], notice: D.config.notice};
  const announcer = window.HallqAnnouncer.create(D.config.hall, D.config.voice);
  let highlightTimer = null;

  function byId(id) { return document.getElementById(id); }

  // Fit once the whole page is laid out: each list's room depends on the others' content.
  let fitPending = false;
  function scheduleFit() {
    if (fitPending) return;
    fitPending = true;
    requestAnimationFrame(function () {
      fitPending = false;
      for (const id of ["services", "windows", "recent-calls"]) D.fit(byId(id));
      D.fitWidth(byId("latest-call"));
    });
  }

  function renderStatic() {
    byId("recent-title").textContent = T.recent_calls;
    byId("windows-title").textContent = T.windows;
    byId("services-title").textContent = T.waiting;
    byId("latest-label").textContent = T.latest_call;
  }

  function callLine(call) {
    // 请 A001 号 到 3号窗口 办理
    const box = el("div", "call-line");
    box.append(el("span", "word", T.please), el("span", "number", call.number));
    if (T.number_suffix) box.append(el("span", "word", T.number_suffix));
    const where = el("div", "call-where");
    where.append(el("span", "word", T.go_to),
                 el("span", "window", D.windowLabel(call.window, call.window_name)));
    if (T.to_handle) where.append(el("span", "word", T.to_handle));
    if (call.recall) where.append(el("span", "recall-tag", T.recall));
    const wrap = el("div");
    wrap.append(box, where);
    return wrap;
  }

  function renderLatest(highlight) {
    const node = byId("latest-call");
    node.replaceChildren();
    const latest = state.recent[0];
    if (!latest) {
      node.append(el("div", "no-calls", T.no_calls));
    } else {
      node.append(callLine(latest));
      node.dataset.number = latest.number;
    }
    scheduleFit();
    if (highlight) {
      const panel = byId("latest");
      panel.classList.remove("highlight");
      void panel.offsetWidth;  // restart the animation for a call right after another
      panel.classList.add("highlight");
      clearTimeout(highlightTimer);
      highlightTimer = setTimeout(function () { panel.classList.remove("highlight"); },
                                  HIGHLIGHT_MS);
    }
  }

  function renderRecent() {
    const list = byId("recent-calls");
    list.replaceChildren();
    for (const call of state.recent.slice(1, RECENT)) {
      const item = el("li", "recent-call" + (call.recall ? " is-recall" : ""));
      item.append(el("span", "number", call.number),
                  el("span", "window", D.windowLabel(call.window, call.window_name)));
      list.append(item);
    }
    scheduleFit();
  }

  function renderWindows() {
    const list = byId("windows");
    list.replaceChildren();
    list.classList.toggle("two-columns", state.windows.length > 8);
    for (const w of state.windows) {
      const item = el("li", "window-row state-" + w.state);
      item.dataset.window = w.window;
      item.append(el("span", "window-name", D.windowLabel(w.window, w.window_name)));
      const status = el("span", "window-status");
      if (w.state === "paused") {
        status.append(el("span", "paused", T.paused));
        if (w.reason) status.append(el("span", "reason", w.reason));
      } else if (w.state === "closed") {
        status.append(el("span", "closed", T.closed));
      } else if (w.current) {
        status.append(el("span", "number", w.current.number));
      } else {
        status.append(el("span", "idle", T.idle));
      }
      item.append(status);
      list.append(item);
    }
    scheduleFit();
  }

  function renderServices() {
    const list = byId("services");
    list.replaceChildren();
    for (const s of state.services) {
      const item = el("li", "service-row" + (s.open === false ? " is-closed" : ""));
      item.append(el("span", "service-name", D.serviceName(s)));
      const count = el("span", "service-waiting");
      count.append(el("span", "count", String(s.waiting)));
      if (T.people) count.append(el("span", "unit", T.people));
      item.append(count);
      list.append(item);
    }
    scheduleFit();
  }

  function renderNotice() {
    const node = byId("notice");
    const text = state.notice || "";
    node.textContent = text;
    node.parentElement.hidden = !text;
    // Scroll at a steady ~120 px/s whatever the length.
    node.style.animationDuration = Math.max(12, (text.length * 60 + 1920) / 120) + "s";
  }

  function renderAll() {
    byId("hall-name").textContent = state.name || D.config.name;
    renderLatest(false);
    renderRecent();
    renderWindows();
    renderServices();
    renderNotice();
  }

  function rendered(kind, number) {
    hallq.lastRender = {kind: kind, number: number || null, at: Date.now()};
  }

  function snapshot(data) {
    state.name = data.name;
    state.windows = data.windows;
    state.services = data.services;
    state.recent = data.recent_calls.slice(0, RECENT);
    state.notice = data.notice;
    renderAll();
    rendered("snapshot", state.recent[0] && state.recent[0].number);
  }

  function ticketCalled(call) {
    state.recent.unshift(call);
    state.recent.length = Math.min(state.recent.length, RECENT);
    const w = state.windows.find(function (x) { return x.window === call.window; });
    if (w) {
      w.current = {number: call.number, service: call.service, service_name: call.service_name};
      w.state = "open";
    }
    renderLatest(true);
    renderRecent();
    renderWindows();
    rendered("ticket_called", call.number);
    announcer.enqueue(call);
  }

  function windowChanged(change) {
    const w = state.windows.find(function (x) { return x.window === change.window; });
    if (!w) return;
    Object.assign(w, {state: change.state, reason: change.reason, current: change.current,
                      window_name: change.window_name});
    renderWindows();
    rendered("window_changed");
  }

  function queueChanged(change) {
    state.services = change.services;
    renderServices();
    rendered("queue_changed");
  }

  renderStatic();
  renderAll();
  byId("connection").textContent = T.reconnecting;
  D.startClock(byId("date"), byId("time"));
  D.connect({hall: D.config.hall}, {
    hall_snapshot: snapshot, ticket_called: ticketCalled, window_changed: windowChanged,
    queue_changed: queueChanged
  });
  window.addEventListener("resize", renderAll);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(scheduleFit);
})();
