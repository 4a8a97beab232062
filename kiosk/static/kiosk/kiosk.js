/* The touch kiosk: choose a service (or 绿色通道 first), (swipe the ID card), get a number,
   take the ticket. This file is the flow: rendering, going back to the start when idle,
   issuing, touches, the live connections and the clock. The screens are in kiosk-home.js,
   kiosk-idcard.js, kiosk-checkin.js (预约签到) and kiosk-result.js; the shared state and
   texts in kiosk-base.js. Every message id is a literal in a _("…") call, so that
   `make translations` finds it. */
(function (K) {
  "use strict";
  var config = K.config, state = K.state;
  var root = document.getElementById("screen");
  var banner = document.getElementById("banner");
  var printed = {};  // ticket id -> print result seen before the ticket's answer arrived
  var timers = {};
  function _(key, values) { return K.t(key, values); }

  var token = K.pairedToken();
  state.paired = Boolean(token);
  var api = Hallq.client("kiosk", { token: token });
  var pages = Hallq.client("kiosk", { token: token, base: "" });  // the kiosk's own routes

  // ---- rendering ---------------------------------------------------------------------------
  function render() {
    document.documentElement.lang = state.lang.replace("_", "-");
    document.title = _("page_title") + " · " + K.hallName();
    document.body.dataset.screen = state.screen;
    document.body.dataset.priority = state.priority;
    root.innerHTML = K.screens[state.screen]();
    document.getElementById("hall-name").textContent = K.hallName();
    document.getElementById("lang").textContent = _("switch_language");
    document.getElementById("help").textContent = _("help");
    renderBanner();
  }

  function renderBanner() {
    var text = "";
    if (!state.connected) text = _("offline_banner");
    else if (state.kiosk.agent === false || ["paper_out", "offline"].indexOf(
      state.kiosk.printer.status) >= 0) text = _("printer_down_banner");
    banner.hidden = !text || state.screen === "result";
    banner.textContent = text;
  }

  function show(screen) {
    state.screen = screen;
    render();
    armIdle();
  }

  // ---- idle: back to the start -------------------------------------------------------------
  function atStart() {
    return state.screen === "home" && !state.department && state.priority === "normal" &&
      state.lang === config.lang;
  }

  function armIdle() {
    clearTimeout(timers.idle);
    clearInterval(timers.countdown);
    if (atStart()) return;
    var seconds = state.screen === "result" ? config.result_idle_s : config.idle_s;
    var until = Date.now() + seconds * 1000;
    timers.idle = setTimeout(goHome, seconds * 1000);
    if (state.screen === "result") {
      var tick = function () {
        var el = document.getElementById("countdown");
        if (el) el.textContent = _("returning", { s: Math.max(0, Math.ceil((until - Date.now()) / 1000)) });
      };
      tick();
      timers.countdown = setInterval(tick, 1000);
    }
  }

  function goHome() {
    clearTimeout(timers.print);
    K.clearTyped();
    state.lang = config.lang;
    state.department = null;
    state.service = null;
    state.priority = "normal";
    state.ticket = null;
    state.cardMasked = null;
    state.error = null;
    state.code = "";
    show("home");
    refreshServices();
  }

  // ---- the flow: a tile issues at once (after the ID card for a real-name service) ----------
  function choose(code) {
    var service = state.services.filter(function (s) { return s.code === code; })[0];
    if (!service || !service.open) return;
    state.service = service;
    if (service.requires_id) show("id");
    else issue(null);
  }

  function randomKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function post(body, key) {
    return api.respond("/halls/" + encodeURIComponent(config.hall) + "/tickets", {
      method: "POST", headers: { "Idempotency-Key": key }, body: JSON.stringify(body)
    });
  }

  // idNumber: typed on the keypad; cardRef: the server's reference to a swiped card (the page
  // never sees a swiped card's full number).
  function issue(idNumber, cardRef) {
    if (state.screen === "issuing") return;
    var body = { service: state.service.code };
    if (idNumber) body.id_number = idNumber;
    if (cardRef) body.card_ref = cardRef;
    if (state.priority === "priority") body.priority = "priority";
    K.clearTyped();
    show("issuing");
    var key = randomKey();
    var attempt = function (left) {
      // A retry with the same Idempotency-Key never costs a second number.
      return post(body, key).catch(function (error) {
        if (left <= 0) throw error;
        return new Promise(function (resolve) { setTimeout(resolve, 800); })
          .then(function () { return attempt(left - 1); });
      });
    };
    attempt(2).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 201) showResult(data);
        else showError((data.error || {}).code, (data.error || {}).details);
      });
    }, function () { showError("unreachable"); });
  }

  function showResult(ticket) {
    state.ticket = ticket;
    var seen = printed[ticket.id];
    if (seen) state.print = seen.ok ? "printed" : "failed";
    else if (["paper_out", "offline"].indexOf(state.kiosk.printer.status) >= 0) {
      state.print = "failed";  // a known fault: the job fails too, and says so
    } else if (state.kiosk.agent === false) {
      state.print = "unavailable";
    } else {
      state.print = "printing";
      clearTimeout(timers.print);
      timers.print = setTimeout(function () {
        if (state.ticket === ticket && state.print === "printing") setPrint("unavailable");
      }, config.print_timeout_s * 1000);
    }
    show("result");
    refreshServices();
  }

  function setPrint(value) {
    state.print = value;
    var el = document.getElementById("print-status");
    if (el && state.screen === "result") el.outerHTML = K.printLine();
  }

  function showError(code, details) {
    state.error = { code: code, details: details };
    if (code === "unauthenticated") state.authorised = false;
    show("error");
    refreshServices();
  }

  function demoSwipe() {
    pages.respond("/kiosk/" + encodeURIComponent(config.hall) + "/demo-swipe", { method: "POST" })
      .catch(function () {});
  }

  // ---- touches -----------------------------------------------------------------------------
  var ACTIONS = {
    home: goHome,
    priority: function () { state.priority = "priority"; show("home"); },
    keypad: function () { K.clearTyped(); show("keypad"); },
    clear: function () { K.clearTyped(); render(); },
    "submit-id": function () { issue(state.typed); },
    checkin: function () { state.code = ""; state.cardMasked = null; show("checkin"); },
    "clear-code": function () { state.code = ""; render(); },
    "submit-code": function () { K.submitCode(); },
    "demo-swipe": demoSwipe
  };

  root.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || button.disabled) return;
    var data = button.dataset;
    if (data.service) choose(data.service);
    else if (data.department) { state.department = data.department; show("home"); }
    else if (data.key) K.typeKey(data.key, render);
    else if (data.codeKey) K.typeCode(data.codeKey);
    else if (ACTIONS[data.action]) ACTIONS[data.action]();
  });

  document.getElementById("lang").addEventListener("click", function () {
    state.lang = state.lang === "en" ? "zh_CN" : "en";
    render();
    tickClock();
    armIdle();
  });
  document.addEventListener("pointerdown", function () {
    if (state.screen !== "issuing") armIdle();
  }, true);

  // ---- the hall's services -----------------------------------------------------------------
  function setServices(list) {
    list = list || [];
    // The same list again (the snapshot and the API answer at start): no re-render, which
    // would replace the tiles under a finger (or a test measuring them).
    if (JSON.stringify(list) === JSON.stringify(state.services)) return;
    state.services = list;
    if (state.screen === "home") render();
  }

  function refreshServices() {
    return api.request("GET", "/halls/" + encodeURIComponent(config.hall) + "/services")
      .then(setServices, function () {});
  }

  // ---- sockets: the hall's queue counts, and this kiosk's printer and card reader ----------
  function listenKiosk(kiosk) {
    kiosk.on("connect", function () {
      state.connected = true;
      state.authorised = true;
      renderBanner();
    });
    kiosk.on("disconnect", function () { state.connected = false; renderBanner(); });
    kiosk.on("connect_error", function (error) {
      if (error && error.data && error.data.code === "unauthenticated") {
        state.authorised = false;
        if (state.screen === "home") render();
        setTimeout(function () { kiosk.connect(); }, 30000);  // a refusal is not retried by itself
      } else {
        state.connected = false;
        renderBanner();
      }
    });
    kiosk.on("kiosk_status", function (status) {
      state.kiosk = status;
      renderBanner();
      if (state.screen === "result" && state.print === "printing" &&
          ["paper_out", "offline"].indexOf(status.printer.status) >= 0) setPrint("failed");
    });
    kiosk.on("ticket_printed", function (result) {
      printed[result.ticket] = result;
      if (state.ticket && state.ticket.id === result.ticket) {
        clearTimeout(timers.print);
        setPrint(result.ok ? "printed" : "failed");
      }
    });
    kiosk.on("card_read", function (read) {
      if ((state.screen === "id" || state.screen === "keypad") && read && read.ref) {
        state.cardMasked = read.masked;
        issue(null, read.ref);
      } else if (state.screen === "checkin" && read && read.ref) {
        state.cardMasked = read.masked;
        K.checkIn({ card_ref: read.ref });
      } else if (state.screen === "pickup" && read && read.ref && K.pickupCard) {
        state.cardMasked = read.masked;
        K.pickupCard(read);  // 窗口送达 (kiosk-pickup.js)
      }
    });
  }

  function connectSockets() {
    if (typeof io === "undefined") return;
    var display = io("/display", { auth: { hall: config.hall } });
    display.on("hall_snapshot", function (s) { setServices(s.services); });
    display.on("queue_changed", function (s) { setServices(s.services); });
    display.on("estimates_changed", function (e) {  // the forecast moved by over a minute
      setServices(state.services.map(function (s) {
        return e.services[s.code] === undefined ? s :
          Object.assign({}, s, { estimated_wait_s: e.services[s.code] });
      }));
    });
    if (token) listenKiosk(io("/kiosk", { auth: { token: token, role: "page" } }));
  }

  // ---- the clock ---------------------------------------------------------------------------
  function tickClock() {
    var now = new Date();
    try {
      document.getElementById("clock").textContent = now.toLocaleString(
        state.lang === "en" ? "en-GB" : "zh-CN",
        { timeZone: config.timezone, month: "long", day: "numeric", weekday: "short",
          hour: "2-digit", minute: "2-digit", hour12: false });
    } catch (e) {
      document.getElementById("clock").textContent = now.toTimeString().slice(0, 5);
    }
  }

  K.api = api;
  // for kiosk-checkin.js and kiosk-pickup.js
  K.flow = { render: render, show: show, showResult: showResult, showError: showError };
  render();
  tickClock();
  setInterval(tickClock, 15000);
  refreshServices();
  setInterval(function () { if (state.screen === "home") refreshServices(); }, 30000);
  connectSockets();
  window.HallqKiosk = { state: state, config: config, parts: K };  // for tests and the curious
})(window.HallqKioskParts);
