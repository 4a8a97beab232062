/* The window screen (窗口屏) over one window: the number being served, huge, under 办理中;
   otherwise the window's state in the words every screen uses: 未开放 (nobody signed in or
   outside hours), 暂停 with the reason, 等候叫号. Fed by /display with auth {hall, window};
   window_changed carries the server's true state and current ticket, so a transferred, 过号,
   finished or held ticket leaves the screen at once. */
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
    const serving = state.state === "serving" && state.current;
    main.className = "window-main state-" + state.state + (serving ? " serving" : "");
    byId("window-name").textContent = D.windowLabel(number, state.window_name);
    const stateNode = byId("window-state"), numberNode = byId("window-number"),
      detail = byId("window-detail");
    if (serving) {
      stateNode.textContent = D.stateLabel("serving");
      numberNode.textContent = state.current.number;
      detail.textContent = state.current.service_name || "";
    } else {
      stateNode.textContent = "";
      numberNode.textContent = D.stateLabel(state.state);
      detail.textContent = state.state === "paused" ? (state.reason || "") : "";
    }
    numberNode.dataset.shows = numberNode.textContent;
    main.dataset.state = state.state;
    byId("window-services").textContent = state.services.join(" · ");
    if (flash) {
      main.classList.add("highlight");
      clearTimeout(flashTimer);
      flashTimer = setTimeout(function () { main.classList.remove("highlight"); }, 6000);
    } else if (!serving) {
      main.classList.remove("highlight");
    }
    hallq.lastRender = {shows: numberNode.textContent, state: state.state, at: Date.now()};
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
    state.state = "serving";
    render(true);
  }

  function windowChanged(change) {
    if (change.window !== number) return;
    const before = state.state === "serving" && state.current && state.current.number;
    Object.assign(state, {state: change.state, reason: change.reason, current: change.current,
                          window_name: change.window_name});
    const now = state.state === "serving" && state.current && state.current.number;
    render(Boolean(now) && now !== before);
  }

  byId("connection").textContent = T.reconnecting;
  render(false);
  D.startClock(null, byId("time"));
  D.connect({hall: D.config.hall, window: number}, {
    hall_snapshot: snapshot, ticket_called: ticketCalled, window_changed: windowChanged
  });
})();
