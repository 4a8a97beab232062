/* The staff counter: log in, sign in at a window, work it (call, recall, finish, no-show,
   transfer, pause, resume) by button or keyboard, live over the /staff namespace.
   The token lives in sessionStorage: closing the browser logs out. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("counter-config").textContent);
  const T = window.HALLQ_COUNTER_TEXTS[config.lang === "en" ? "en" : "zh"];
  const fill = window.hallqText;
  const STORE = "hallq.counter";
  const $ = (id) => document.getElementById(id);
  const hallq = window.hallq = {events: [], state: null, me: null};

  let session = JSON.parse(sessionStorage.getItem(STORE) || "null");
  let socket = null;
  let state = null;          // the last counter_state
  let stateAt = 0;           // Date.now() when it arrived
  let skewMs = 0;            // server clock − browser clock
  let busy = false;
  let timeZone = "Asia/Shanghai";  // the hall's, from /me: the desk shows the hall's time

  function save() { sessionStorage.setItem(STORE, JSON.stringify(session)); }

  for (const node of document.querySelectorAll("[data-t]")) node.textContent = T[node.dataset.t];
  document.title = T.title;

  // ---- errors: every code to a sentence ---------------------------------------------------
  function errorText(error) {
    const template = T.errors[error.code];
    const values = Object.assign({code: error.code, message: error.message}, error.details || {});
    return fill(template || T.errors.unknown, values);
  }
  function show(node, text) { node.textContent = text || ""; node.hidden = !text; }
  function showError(text) { show($("action-error"), text); show($("action-notice"), ""); }
  function showNotice(text) { show($("action-notice"), text); show($("action-error"), ""); }

  async function api(method, path, body) {
    const headers = {"Content-Type": "application/json"};
    if (session && session.token) headers.Authorization = "Bearer " + session.token;
    let response;
    try {
      response = await fetch("/api/v1" + path, {method, headers,
        body: body === undefined ? undefined : JSON.stringify(body)});
    } catch (e) {
      throw {code: "network", message: String(e)};
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = (data && data.error) || {code: "internal_error", message: ""};
      if (error.code === "unauthenticated" && path !== "/auth/token") logOut(errorText(error));
      throw error;
    }
    return data;
  }

  // ---- views ------------------------------------------------------------------------------
  function view(name) {
    for (const id of ["login-view", "windows-view", "work-view"]) $(id).hidden = id !== name;
    $("log-out").hidden = name === "login-view";
    $("sign-out").hidden = name !== "work-view";
  }

  function showLogin(message) {
    const select = $("login-hall");
    select.textContent = "";
    for (const hall of config.halls) {
      const option = new Option(hall.name + " (" + hall.code + ")", hall.code);
      select.add(option);
    }
    select.value = config.hall || (session && session.hall) || (config.halls[0] || {}).code || "";
    select.parentElement.hidden = config.halls.length <= 1;
    show($("login-error"), message);
    $("who").textContent = ""; $("where").textContent = "";
    view("login-view");
    $("login-username").focus();
  }

  function logOut(message) {
    if (socket) { socket.disconnect(); socket = null; }
    session = null;
    sessionStorage.removeItem(STORE);
    showLogin(message);
  }

  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const hall = $("login-hall").value;
    try {
      const answer = await api("POST", "/auth/token", {
        username: $("login-username").value.trim(), password: $("login-password").value});
      session = {token: answer.token, hall: hall, window: null};
      save();
      $("login-password").value = "";
      await start();
    } catch (error) {
      show($("login-error"), errorText(error));
    }
  });
  $("log-out").addEventListener("click", async () => {
    if (session && session.window) {
      try { await api("POST", windowPath("/sign-out")); } catch (e) { /* logging out anyway */ }
    }
    logOut();
  });

  async function start() {
    let me;
    try {
      me = await api("GET", "/halls/" + encodeURIComponent(session.hall) + "/me");
    } catch (error) {
      if (session) logOut(errorText(error));
      return;
    }
    hallq.me = me;
    timeZone = me.timezone || timeZone;
    $("who").textContent = me.name === me.user ? me.name
                                               : fill(T.signed_in_as, {name: me.name, user: me.user});
    $("where").textContent = me.hall_name;
    renderFigures(me.figures);
    if (me.session && me.session.window) {
      session.window = me.session.window; save();
      return work();
    }
    chooseWindow(me);
  }

  function chooseWindow(me) {
    const list = $("window-list");
    list.textContent = "";
    for (const w of me.windows) {
      const button = document.createElement("button");
      button.type = "button"; button.className = "window-choice";
      button.dataset.window = w.number;
      button.textContent = w.name;
      button.addEventListener("click", () => signIn(w.number));
      list.appendChild(button);
    }
    $("take-over-row").hidden = !(me.role === "manager" || me.role === "admin");
    show($("windows-error"), "");
    view("windows-view");
  }

  async function signIn(number) {
    try {
      session.window = number;
      await api("POST", windowPath("/sign-in"), {take_over: $("take-over").checked});
      save();
      work();
    } catch (error) {
      session.window = null;
      show($("windows-error"), errorText(error));
    }
  }

  $("sign-out").addEventListener("click", async () => {
    try { await api("POST", windowPath("/sign-out")); } catch (error) { /* shown below */ }
    if (socket) { socket.disconnect(); socket = null; }
    session.window = null; save();
    start();
  });

  function windowPath(action) {
    return "/halls/" + encodeURIComponent(session.hall) + "/windows/" + session.window + action;
  }

  // ---- the working view -------------------------------------------------------------------
  function work() {
    view("work-view");
    showError("");
    connect();
    refresh();
  }

  async function refresh() {
    try { applyState(await api("GET", windowPath("/counter"))); } catch (error) {
      showError(errorText(error));
    }
  }

  async function refreshFigures() {
    try { renderFigures((await api("GET", "/halls/" + session.hall + "/me")).figures); }
    catch (e) { /* figures are a convenience */ }
  }

  function connect() {
    if (socket) socket.disconnect();
    socket = io("/staff", {auth: {token: session.token, hall: session.hall,
                                  window: session.window}});
    socket.on("connect", () => { $("connection").hidden = true; });
    socket.on("disconnect", () => { show($("connection"), T.offline); });
    socket.on("connect_error", (error) => {
      const data = error && error.data;
      if (data && data.code) {
        showError(errorText(data));
        if (data.code === "unauthenticated") logOut(errorText(data));
      } else {
        show($("connection"), T.offline);
      }
    });
    socket.on("counter_state", (data) => { hallq.events.push("counter_state"); applyState(data); });
    socket.on("queue_changed", (data) => { hallq.events.push("queue_changed"); applyQueues(data); });
  }

  function applyState(data) {
    if (!data || data.window !== session.window) return;
    if (data.session && hallq.me && data.session.user !== hallq.me.user) {
      // A manager took this window over: this page no longer works it.
      if (socket) { socket.disconnect(); socket = null; }
      session.window = null; save();
      chooseWindow(hallq.me);
      return show($("windows-error"), fill(T.taken_over, {name: data.session.name}));
    }
    if (data.services) hallq.services = data.services;
    if (data.windows) hallq.windows = data.windows;
    state = Object.assign({}, state || {}, data);
    hallq.state = state;
    stateAt = Date.now();
    skewMs = Date.parse(data.now) - Date.now();
    $("where").textContent = (hallq.me ? hallq.me.hall_name + " · " : "") + data.window_name;
    renderCurrent();
    renderQueues(state.queues);
  }

  function applyQueues(summary) {
    if (!state) return;
    skewMs = Date.parse(summary.now) - Date.now();
    const queues = state.queues.map((q) => {
      const fresh = q.service === null ? summary.targeted[String(state.window)]
                                       : summary.services[q.service];
      return Object.assign({}, q, fresh || {waiting: 0, oldest_queued_at: null});
    });
    state.queues = queues;
    renderQueues(queues);
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "—";
    seconds = Math.max(0, Math.round(seconds));
    const h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    if (h) return fill(T.hours, {h, m});
    if (m) return fill(T.minutes, {m, s});
    return fill(T.seconds, {s});
  }

  function renderCurrent() {
    const current = state.current;
    const paused = state.state === "paused";
    $("current-number").textContent = current ? current.number : T.none_current;
    const service = current && (hallq.services || []).find((x) => x.code === current.service);
    $("current-service").textContent = !current ? ""
      : (config.lang === "en" && service && service.name_en ? service.name_en : current.service_name);
    $("current-waited").textContent = current ? duration(current.waited_s) : "—";
    $("current-recalls").textContent = current && current.recall_count
      ? fill(T.recalls, {n: current.recall_count}) : "";
    $("current").classList.toggle("is-paused", paused);
    show($("paused-banner"), paused ? (state.reason ? fill(T.paused, {reason: state.reason})
                                                    : T.paused_no_reason) : "");
    $("btn-pause").hidden = paused;
    $("btn-resume").hidden = !paused;
    for (const id of ["btn-recall", "btn-finish", "btn-no-show", "btn-transfer"]) {
      $(id).disabled = !current;
    }
    $("btn-call").disabled = paused;
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
    }
    tick();
  }

  function renderFigures(figures) {
    const list = $("figures");
    list.textContent = "";
    for (const key of Object.keys(T.figures)) {
      let value = figures[key];
      if (key.endsWith("_s")) value = duration(value);
      else if (key === "satisfaction_rate") value = value === null ? "—"
        : (value * 100).toFixed(1) + "%";
      const dt = document.createElement("dt"); dt.textContent = T.figures[key];
      const dd = document.createElement("dd"); dd.textContent = value; dd.dataset.figure = key;
      list.append(dt, dd);
    }
  }

  function tick() {
    const now = Date.now() + skewMs;
    $("clock").textContent = new Date(now).toLocaleTimeString(T.locale, {hour12: false, timeZone});
    if (state && state.current) {
      const serving = state.current.serving_s + (Date.now() - stateAt) / 1000;
      $("current-serving").textContent = duration(serving);
    } else {
      $("current-serving").textContent = "—";
    }
    for (const cell of document.querySelectorAll("#queue-rows .oldest")) {
      cell.textContent = cell.dataset.since ? duration((now - Date.parse(cell.dataset.since)) / 1000)
                                            : "—";
    }
  }
  setInterval(tick, 1000);

  // ---- actions ----------------------------------------------------------------------------
  const DONE = {"call-next": "called", "finish": "finished", "no-show": "no_showed",
                "transfer": "transferred", "pause": "paused_ok", "resume": "resumed_ok"};

  async function act(action, body) {
    if (busy || !session || !session.window) return;
    busy = true;
    try {
      const answer = await api("POST", windowPath("/" + action), body);
      const ticket = answer.ticket || {};
      showNotice(DONE[action] ? fill(T[DONE[action]], {number: ticket.number}) : "");
      closeDialogs();
      await refresh();
      refreshFigures();
    } catch (error) {
      showError(errorText(error));
    } finally {
      busy = false;
    }
  }

  for (const button of document.querySelectorAll("#actions [data-action]")) {
    button.addEventListener("click", () => press(button.dataset.action));
  }

  function press(action) {
    if (action === "transfer") return openTransfer();
    if (action === "pause") return openPause();
    return act(action);
  }

  function closeDialogs() {
    $("transfer-dialog").hidden = true;
    $("pause-dialog").hidden = true;
  }

  function choice(text, onChoose) {
    const button = document.createElement("button");
    button.type = "button"; button.className = "choice"; button.textContent = text;
    button.addEventListener("click", onChoose);
    return button;
  }

  function openTransfer() {
    if (!state || !state.current) return showError(T.errors.no_current_ticket);
    const services = $("transfer-services"), windows = $("transfer-windows");
    services.textContent = ""; windows.textContent = "";
    for (const s of hallq.services || []) {
      const name = config.lang === "en" && s.name_en ? s.name_en : s.name;
      services.appendChild(choice(s.code + " · " + name, () => act("transfer", {service: s.code})));
    }
    for (const w of hallq.windows || []) {
      windows.appendChild(choice(w.name, () => act("transfer", {window: w.number})));
    }
    $("pause-dialog").hidden = true;
    $("transfer-dialog").hidden = false;
  }

  let pauseReason = null;
  function openPause() {
    const list = $("pause-reasons");
    list.textContent = "";
    pauseReason = null;
    for (const reason of T.pause_reasons) {
      const button = choice(reason, () => {
        pauseReason = reason;
        for (const b of list.children) b.classList.toggle("chosen", b === button);
      });
      list.appendChild(button);
    }
    $("pause-other").value = "";
    $("transfer-dialog").hidden = true;
    $("pause-dialog").hidden = false;
  }
  $("pause-confirm").addEventListener("click", () => {
    const other = $("pause-other").value.trim();
    const reason = other || pauseReason;
    act("pause", reason ? {reason} : {});
  });
  $("pause-cancel").addEventListener("click", closeDialogs);
  $("transfer-cancel").addEventListener("click", closeDialogs);

  // ---- keyboard shortcuts (documented on the page) ----------------------------------------
  const KEYS = {n: "call-next", r: "recall", f: "finish", s: "no-show", t: "transfer"};
  const shortcuts = $("shortcut-list");
  for (const [key, label] of T.shortcut_list) {
    const item = document.createElement("li");
    const kbd = document.createElement("kbd"); kbd.textContent = key;
    item.append(kbd, " " + label);
    shortcuts.appendChild(item);
  }
  document.addEventListener("keydown", (event) => {
    if ($("work-view").hidden || event.ctrlKey || event.altKey || event.metaKey) return;
    if (event.key === "Escape") return closeDialogs();
    const tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    const key = event.key.toLowerCase();
    if (key === "p") {
      event.preventDefault();
      return state && state.state === "paused" ? act("resume") : openPause();
    }
    if (KEYS[key]) { event.preventDefault(); press(KEYS[key]); }
  });

  // ---- boot -------------------------------------------------------------------------------
  if (session && session.token) start(); else showLogin();
})();
