/* The window screen (窗口屏) over one window: the number being served, huge; 暂停服务 with the
   reason when paused; the window's name when idle. Fed by /display with auth {hall, window}. */
(function () {
  "use strict";
  const D = window.HallqDisplay, T = D.T, hallq = window.hallq;
  const number = D.config.window;
  const state = hallq.state = {window: number, window_name: "", state: "closed", reason: null,
                               current: null, services: []};
  let flashTimer = null;

  function byId(id) { return document.getElementById(id); }

  function render(flash) {
    const main = byId("window-main");
    main.className = "window-main state-" + state.state + (state.current ? " serving" : "");
    const label = D.windowLabel(number, state.window_name);
    byId("window-name").textContent = label;
    const stateNode = byId("window-state"), numberNode = byId("window-number"),
      detail = byId("window-detail");
    if (state.state === "paused") {
      stateNode.textContent = "";
      numberNode.textContent = T.paused;
      detail.textContent = state.reason || "";
    } else if (state.current && state.state !== "closed") {
      stateNode.textContent = T.serving;
      numberNode.textContent = state.current.number;
      detail.textContent = state.current.service_name || "";
    } else {
      stateNode.textContent = state.state === "closed" ? T.closed : T.welcome;
      numberNode.textContent = label;
      detail.textContent = "";
    }
    numberNode.dataset.shows = numberNode.textContent;
    byId("window-services").textContent = state.services.join(" · ");
    if (flash) {
      main.classList.add("highlight");
      clearTimeout(flashTimer);
      flashTimer = setTimeout(function () { main.classList.remove("highlight"); }, 6000);
    }
    hallq.lastRender = {shows: numberNode.textContent, at: Date.now()};
  }

  function snapshot(data) {
    const mine = data.windows.find(function (w) { return w.window === number; });
    if (mine) Object.assign(state, mine);
    const names = {};
    for (const s of data.services) names[s.code] = D.serviceName(s);
    state.services = (mine ? mine.services : []).map(function (c) { return names[c] || c; });
    render(false);
  }

  function ticketCalled(call) {
    if (call.window !== number) return;
    state.current = {number: call.number, service: call.service, service_name: call.service_name};
    state.state = "open";
    render(true);
  }

  function windowChanged(change) {
    if (change.window !== number) return;
    const before = state.current && state.current.number;
    Object.assign(state, {state: change.state, reason: change.reason, current: change.current,
                          window_name: change.window_name});
    render(false);
    if (state.current && state.current.number !== before) render(true);
  }

  byId("connection").textContent = T.reconnecting;
  render(false);
  D.startClock(null, byId("time"));
  D.connect({hall: D.config.hall, window: number}, {
    hall_snapshot: snapshot, ticket_called: ticketCalled, window_changed: windowChanged
  });
})();
