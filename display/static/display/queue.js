/* The phone queue page (/queue/{hall}, reached by the QR code on the hall screen): the numbers
   being served now and where, people waiting and the estimated wait per service, and every
   window's state in the words the hall screen uses. Live from the public /display namespace
   (hall_snapshot on every connect, then ticket_called, window_changed and queue_changed). */
(function () {
  "use strict";
  const D = window.HallqDisplay, T = D.T, el = D.el, hallq = window.hallq;
  const KEEP = 20;
  const state = hallq.state = {windows: [], services: [], calls: []};

  function byId(id) { return document.getElementById(id); }

  function renderStatic() {
    byId("calling-title").textContent = T.now_calling;
    byId("queue-title").textContent = T.queue_title;
    byId("windows-title").textContent = T.windows;
    byId("live").textContent = T.updated;
  }

  function renderCalling() {
    const list = byId("calling");
    list.replaceChildren();
    const active = state.calls.filter(function (c) { return c.active; });
    if (!active.length) list.append(el("li", "q-empty", T.none_calling));
    for (const call of active) {
      const item = el("li", "q-call");
      item.dataset.number = call.number;
      item.append(el("span", "q-number", call.number),
                  el("span", "q-arrow", "→"),
                  el("span", "q-window", D.windowLabel(call.window, call.window_name)));
      list.append(item);
    }
  }

  function windowsServing(code) {
    return state.windows.filter(function (w) { return w.services.indexOf(code) >= 0; })
      .map(function (w) { return w.window; });
  }

  function waitText(service) {
    if (!service.waiting) return T.no_wait;
    return Hallq.t("estimated_wait", {m: Hallq.waitMinutes(service.estimated_wait_s)});
  }

  function renderQueue() {
    const list = byId("queue");
    list.replaceChildren();
    for (const s of state.services) {
      const item = el("li", "q-service" + (s.open === false ? " is-closed" : ""));
      item.dataset.service = s.code;
      const head = el("div", "q-service-head");
      head.append(el("span", "q-service-name", D.serviceName(s)),
                  el("span", "q-waiting", Hallq.t("waiting_people", {n: s.waiting})));
      const detail = el("div", "q-service-detail");
      detail.append(el("span", "q-estimate", s.open === false ? T.service_not_open
                                                               : waitText(s)));
      const windows = windowsServing(s.code);
      if (windows.length) {
        detail.append(el("span", "q-serving-windows", T.windows_serving +
          windows.map(function (n) {
            const w = state.windows.find(function (x) { return x.window === n; });
            return D.windowLabel(n, w.window_name);
          }).join(T.list_separator)));
      }
      item.append(head, detail);
      list.append(item);
    }
  }

  function renderWindows() {
    const list = byId("windows");
    list.replaceChildren();
    for (const w of state.windows) {
      const item = el("li", "q-window-row state-" + w.state);
      item.dataset.window = w.window;
      item.dataset.state = w.state;
      item.append(el("span", "q-window-name", D.windowLabel(w.window, w.window_name)));
      const status = el("span", "q-window-state", D.stateLabel(w.state));
      if (w.state === "serving" && w.current) status.append(" ", el("b", "", w.current.number));
      item.append(status);
      list.append(item);
    }
  }

  function renderAll() {
    renderCalling();
    renderQueue();
    renderWindows();
    hallq.lastRender = {at: Date.now()};
  }

  D.connect({hall: D.config.hall}, {
    hall_snapshot: function (data) {
      state.windows = data.windows;
      state.services = data.services;
      state.calls = data.recent_calls.slice(0, KEEP);
      D.refreshCalls(state.calls, state.windows);
      byId("hall-name").textContent = data.name;
      renderAll();
    },
    ticket_called: function (call) {
      state.calls = D.addCall(state.calls, call, state.windows, KEEP);
      renderAll();
    },
    window_changed: function (change) {
      if (D.applyWindow(state.windows, state.calls, change)) renderAll();
    },
    queue_changed: function (change) {
      state.services = change.services;
      renderAll();
    }
  });
  renderStatic();
  byId("connection").textContent = T.reconnecting;
  D.startClock(null, byId("time"));
})();
