/* Shared by the hall screen and the window screen: configuration, the /display connection
   (push only: the server sends hall_snapshot on every connect, so a reconnect after a network
   cut or a server restart re-renders the true state), the hall's clock and small helpers. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("hallq-config").textContent);
  Hallq.setLanguage(config.lang);
  const T = Hallq.texts.table();
  const hallq = window.hallq = window.hallq || {};
  hallq.config = config;
  hallq.events = [];         // [{name, at}] every event received, for tests and diagnosis
  hallq.connects = 0;        // how many hall_snapshots have been applied

  const el = Hallq.el;  // el(tag, className, text)

  function windowLabel(number, name) { return Hallq.t("window_label", {number: number, name: name}); }

  function serviceName(service) {
    return (T.locale.startsWith("en") && service.name_en) ? service.name_en : service.name;
  }

  // The hall's local time: the server's clock (from the snapshot) shown in the hall's zone.
  let skewMs = 0;
  let timeZone = config.timezone;
  function hallNow() { return new Date(Date.now() + skewMs); }
  function setServerTime(iso, zone) {
    const server = Date.parse(iso);
    if (!Number.isNaN(server)) skewMs = server - Date.now();
    if (zone) timeZone = zone;
  }
  function hallParts(date) {
    const parts = new Intl.DateTimeFormat("en-GB", {
      timeZone: timeZone, hourCycle: "h23", year: "numeric", month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", weekday: "short"
    }).formatToParts(date || hallNow());
    const out = {};
    for (const p of parts) out[p.type] = p.value;
    return out;
  }
  function formatDate(date) {
    return new Intl.DateTimeFormat(T.locale, {
      timeZone: timeZone, year: "numeric", month: "long", day: "numeric", weekday: "long"
    }).format(date || hallNow());
  }
  function formatTime(date) {
    const p = hallParts(date);
    return p.hour + ":" + p.minute + ":" + p.second;
  }

  function startClock(dateNode, timeNode) {
    function tick() {
      const now = hallNow();
      if (dateNode) dateNode.textContent = formatDate(now);
      if (timeNode) timeNode.textContent = formatTime(now);
    }
    tick();
    setInterval(tick, 1000);
  }

  // Pairing (optional): opened once with ?token=DISPLAY_DEVICE_TOKEN, the screen keeps the token
  // (hallq.token.display.<hall>, localStorage), drops it from the address bar and sends
  // heartbeats, so the supervisor notices a screen that went dark. Unpaired screens work the same, untracked.
  const deviceToken = Hallq.pairedToken("display", config.hall);
  const HEARTBEAT_MS = 60 * 1000;

  // Connect to /display; handlers: {hall_snapshot, ticket_called, window_changed, queue_changed}.
  function connect(auth, handlers) {
    if (deviceToken) auth = Object.assign({token: deviceToken}, auth);
    const socket = io("/display", {
      auth: auth, transports: ["websocket"],
      reconnection: true, reconnectionDelay: 500, reconnectionDelayMax: 5000
    });
    if (deviceToken) {
      setInterval(function () { if (socket.connected) socket.emit("heartbeat", {}); },
                  HEARTBEAT_MS);
    }
    const banner = document.getElementById("connection");
    function offline(isOffline) {
      if (banner) banner.hidden = !isOffline;
      document.body.classList.toggle("offline", isOffline);
    }
    socket.on("connect", function () { offline(false); });
    socket.on("disconnect", function () { offline(true); });
    socket.on("connect_error", function (error) {
      offline(true);
      const code = error && error.data && error.data.code;
      if (deviceToken && (code === "unauthenticated" || code === "forbidden")) {
        // Revoked or foreign pairing: keep showing the calls, unpaired (the supervisor will
        // report this screen silent to the managers).
        Hallq.tokens.clear("display", config.hall);
        location.reload();
      }
    });
    for (const name of Object.keys(handlers)) {
      socket.on(name, function (payload) {
        hallq.events.push({name: name, at: Date.now()});
        if (hallq.events.length > 500) hallq.events.splice(0, 100);
        if (name === "hall_snapshot") {
          setServerTime(payload.now, payload.timezone);
          hallq.connects += 1;
        }
        handlers[name](payload);
      });
    }
    hallq.socket = socket;
    return socket;
  }

  // Shrink a box's --fit scale until its content fits (long window lists, many services).
  function fit(box, minimum) {
    if (!box) return;
    let scale = 1;
    box.style.setProperty("--fit", "1");
    const overflows = function () {
      return box.scrollHeight > box.clientHeight + 1 ||
        Array.from(box.children).some(function (child) {
          return child.scrollHeight > child.clientHeight + 1;
        });
    };
    while (scale > (minimum || 0.5) && overflows()) {
      scale -= 0.05;
      box.style.setProperty("--fit", scale.toFixed(2));
    }
  }

  // Shrink a one-line box's --fit scale until nothing sticks out sideways.
  function fitWidth(box, minimum) {
    if (!box) return;
    let scale = 1;
    box.style.setProperty("--fit", "1");
    const tooWide = function () {
      return Array.from(box.querySelectorAll("*")).some(function (child) {
        return child.scrollWidth > box.clientWidth + 1;
      }) || box.scrollWidth > box.clientWidth + 1;
    };
    while (scale > (minimum || 0.4) && tooWide()) {
      scale -= 0.05;
      box.style.setProperty("--fit", scale.toFixed(2));
    }
  }

  // Calls and windows as the server states them (see queue_server/services/floor.py): a call
  // is active only while its window is serving that very number; the server's window_changed
  // carries each window's true state and current ticket, so the pages never guess.
  function stateLabel(state) { return T.states[state] || T.states.closed; }

  function callIsActive(call, windows) {
    const w = windows.find(function (x) { return x.window === call.window; });
    return Boolean(w && w.state === "serving" && w.current && w.current.number === call.number);
  }

  // A call pushed by ticket_called, newest first, once per number (a recall replaces its call).
  function addCall(calls, call, windows, limit) {
    const w = windows.find(function (x) { return x.window === call.window; });
    if (w) {
      w.state = "serving";
      w.current = {number: call.number, service: call.service, service_name: call.service_name};
    }
    const rest = calls.filter(function (c) { return c.number !== call.number; });
    rest.unshift(Object.assign({}, call));
    rest.length = Math.min(rest.length, limit);
    refreshCalls(rest, windows);
    return rest;
  }

  // After a window_changed: the window takes the server's state, and every call is re-judged.
  function applyWindow(windows, calls, change) {
    const w = windows.find(function (x) { return x.window === change.window; });
    if (!w) return null;
    Object.assign(w, {state: change.state, reason: change.reason, current: change.current,
                      window_name: change.window_name});
    refreshCalls(calls, windows);
    return w;
  }

  function refreshCalls(calls, windows) {
    for (const call of calls) call.active = callIsActive(call, windows);
  }

  function latestActive(calls) {
    return calls.find(function (c) { return c.active; }) || null;
  }

  window.HallqDisplay = {
    config, T, el, windowLabel, serviceName, hallNow, hallParts, startClock, connect, fit,
    fitWidth, stateLabel, addCall, applyWindow, refreshCalls, latestActive
  };
})();
