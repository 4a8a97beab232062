/* The hall screen (综合屏): the latest call that still stands in very large type (highlighted
   for a few seconds), the last calls (each number once; calls that ended are dimmed), every
   window's state (未开放 / 暂停 / 等候叫号 / 办理中), people waiting per service in large type,
   a QR code of the phone queue page, the notice and the hall's clock. Rendered from
   hall_snapshot (on every connect) and the pushed events; nothing polls. A call leaves the big
   panel as soon as the server says its window no longer serves it (transfer, 过号, finish,
   hold, pause, sign-out).
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
  // hallq.fitPending (tests): a fit is scheduled and the lists may overflow until it runs.
  hallq.fitPending = false;
  function scheduleFit() {
    if (hallq.fitPending) return;
    hallq.fitPending = true;
    requestAnimationFrame(function () {
      for (const id of ["services", "windows", "recent-calls"]) D.fit(byId(id));
      D.fitWidth(byId("latest-call"));
      hallq.fitPending = false;
    });
  }

  function renderStatic() {
    byId("recent-title").textContent = T.recent_calls;
    byId("windows-title").textContent = T.windows;
    byId("services-title").textContent = T.waiting;
    byId("latest-label").textContent = T.latest_call;
    byId("follow-caption").textContent = T.follow_queue;
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
    if (call.booked) where.append(el("span", "booked-tag", T.booked));  // 预约 (issue 13)
    const wrap = el("div");
    wrap.append(box, where);
    return wrap;
  }

  function renderLatest(highlight) {
    const node = byId("latest-call");
    node.replaceChildren();
    const latest = D.latestActive(state.recent);
    if (!latest) {
      node.append(el("div", "no-calls", T.no_calls));
      node.dataset.number = "";
    } else {
      node.append(callLine(latest));
      node.dataset.number = latest.number;
    }
    scheduleFit();
    const panel = byId("latest");
    clearTimeout(highlightTimer);
    panel.classList.remove("highlight");
    // Only a new call flashes: an older call shown again (the newer one ended) must not look
    // like a fresh call.
    if (highlight && latest) {
      void panel.offsetWidth;  // restart the animation for a call right after another
      panel.classList.add("highlight");
      highlightTimer = setTimeout(function () { panel.classList.remove("highlight"); },
                                  HIGHLIGHT_MS);
    }
  }

  function renderRecent() {
    const list = byId("recent-calls");
    list.replaceChildren();
    const latest = D.latestActive(state.recent);
    for (const call of state.recent.filter(function (c) { return c !== latest; })
             .slice(0, RECENT - 1)) {
      const item = el("li", "recent-call" + (call.recall ? " is-recall" : "") +
                            (call.booked ? " is-booked" : "") +
                            (call.active ? "" : " is-ended"));
      item.dataset.number = call.number;
      const number = el("span", "number", call.number);
      if (call.booked) number.dataset.booked = T.booked;  // 预约: the badge before the number
      item.append(number,
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
      item.dataset.state = w.state;
      item.append(el("span", "window-name", D.windowLabel(w.window, w.window_name)));
      const status = el("span", "window-status");
      if (w.state === "serving" && w.current) {
        status.append(el("span", "serving", D.stateLabel(w.state)),
                      el("span", "number", w.current.number));
      } else {
        status.append(el("span", "state-word", D.stateLabel(w.state)));
        if (w.state === "paused" && w.reason) status.append(el("span", "reason", w.reason));
      }
      item.append(status);
      list.append(item);
    }
    scheduleFit();
  }

  function renderServices() {
    const list = byId("services");
    list.replaceChildren();
    list.classList.toggle("two-columns", state.services.length > 4);
    for (const s of state.services) {
      const item = el("li", "service-row" + (s.open === false ? " is-closed" : ""));
      item.dataset.service = s.code;
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
    D.refreshCalls(state.recent, state.windows);
    state.notice = data.notice;
    renderAll();
    const latest = D.latestActive(state.recent);
    rendered("snapshot", latest && latest.number);
  }

  function ticketCalled(call) {
    state.recent = D.addCall(state.recent, call, state.windows, RECENT);
    renderLatest(true);
    renderRecent();
    renderWindows();
    rendered("ticket_called", call.number);
    announcer.enqueue(call);
  }

  function windowChanged(change) {
    const shownBefore = byId("latest-call").dataset.number;
    if (!D.applyWindow(state.windows, state.recent, change)) return;
    const latest = D.latestActive(state.recent);
    if ((latest ? latest.number : "") !== shownBefore) renderLatest(false);
    renderRecent();
    renderWindows();
    rendered("window_changed", latest && latest.number);
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
  if (document.fonts && document.fonts.ready) {
    document.fonts.ready.then(scheduleFit);
    // Text drawn later can need a face not loaded yet (CJK fonts load by unicode range): fit
    // again once it has arrived, or the lists overflow in the real glyphs' heights.
    document.fonts.addEventListener("loadingdone", scheduleFit);
  }
})();
