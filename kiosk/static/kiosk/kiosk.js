/* The touch kiosk: choose a service, (swipe the ID card), get a number, take the ticket.
   Texts come from the gettext catalogs the server embeds (kiosk/translations): every message
   id is a literal in a _("…") call, so that `make translations` finds it. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("kiosk-config").textContent);
  var catalogs = JSON.parse(document.getElementById("kiosk-catalogs").textContent);
  var STORAGE_KEY = "hallq.kiosk.token." + config.hall;
  var DEPARTMENTS_FROM = 13;  // this many services or more: choose the department first

  var root = document.getElementById("screen");
  var banner = document.getElementById("banner");
  var state = {
    lang: config.lang, screen: "home", services: [], department: null, service: null,
    priority: "normal", typed: "", ticket: null, print: null, error: null, cardMasked: null,
    kiosk: { agent: null, printer: { status: "unknown" } }, connected: true, paired: true,
    authorised: true
  };
  var printed = {};  // ticket id -> print result seen before the ticket's answer arrived
  var timers = {};

  // ---- text --------------------------------------------------------------------------------
  function _(key, values) { return HallqText.translate(catalogs, state.lang, key, values); }
  function esc(text) { return HallqText.esc(text); }
  function minutes(seconds) { return Math.max(1, Math.ceil(seconds / 60)); }
  function waitText(seconds) {
    return seconds > 0 ? _("estimated_wait", { m: minutes(seconds) }) : _("estimated_wait_none");
  }
  function serviceName(s) { return state.lang === "en" && s.name_en ? s.name_en : s.name; }

  // ---- pairing -----------------------------------------------------------------------------
  function pairedToken() {
    var params = new URLSearchParams(location.search);
    var fromUrl = params.get("token");
    if (fromUrl) {
      localStorage.setItem(STORAGE_KEY, fromUrl);
      params.delete("token");
      var query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
    }
    return localStorage.getItem(STORAGE_KEY);
  }
  var token = pairedToken();
  state.paired = Boolean(token);

  // ---- screens -----------------------------------------------------------------------------
  function serviceCard(s) {
    var closed = !s.open;
    var reason = "";
    if (s.closed_reason === "quota") {
      reason = _("closed_quota") + " · " + _("closed_quota_detail");
    } else if (closed) {
      reason = _("closed_hours") + (s.hours && s.hours.length ?
        " · " + _("closed_hours_detail", { hours: s.hours.join(", ") }) : "");
    }
    return '<button type="button" class="service' + (closed ? " closed" : "") + '" data-service="' +
      esc(s.code) + '"' + (closed ? ' disabled aria-disabled="true"' : "") + ">" +
      '<span class="dept">' + esc(s.department) + "</span>" +
      '<span class="name">' + esc(serviceName(s)) + "</span>" +
      (state.lang === "en" ? "" : '<span class="name-en">' + esc(s.name_en) + "</span>") +
      (closed ? '<span class="reason">' + esc(reason) + "</span>" :
        '<span class="stats"><b>' + esc(_("waiting", { n: s.waiting })) + "</b> · " +
        esc(waitText(s.estimated_wait_s)) + "</span>") +
      (s.requires_id ? '<span class="badge">' + esc(_("real_name")) + "</span>" : "") +
      "</button>";
  }

  function departments() {
    var seen = [];
    state.services.forEach(function (s) {
      if (seen.indexOf(s.department) < 0) seen.push(s.department);
    });
    return seen;
  }

  function homeScreen() {
    if (!state.paired || !state.authorised) {
      return '<div class="message"><p class="big">' +
        esc(state.paired ? _("unauthorized") : _("unpaired")) + "</p></div>";
    }
    if (!state.services.length) return '<p class="loading">' + esc(_("loading")) + "</p>";
    var depts = departments();
    if (state.services.length >= DEPARTMENTS_FROM && depts.length > 1 && !state.department) {
      return '<h1 class="title">' + esc(_("choose_department")) + '</h1><div class="grid">' +
        depts.map(function (d) {
          return '<button type="button" class="service dept-tile" data-department="' + esc(d) +
            '"><span class="name">' + esc(d) + "</span></button>";
        }).join("") + "</div>";
    }
    var shown = state.services.filter(function (s) {
      return !state.department || s.department === state.department;
    });
    return '<h1 class="title">' + esc(_("choose_service")) + "</h1>" +
      '<div class="grid">' + shown.map(serviceCard).join("") + "</div>" +
      (state.department ? backButton() : "");
  }

  function backButton() {
    return '<div class="actions"><button type="button" class="secondary" data-action="home">' +
      esc(_("home")) + "</button></div>";
  }

  function priorityScreen() {
    return '<h1 class="title">' + esc(serviceName(state.service)) + "</h1>" +
      '<p class="subtitle">' + esc(_("choose_priority")) + "</p>" +
      '<div class="choices">' +
      '<button type="button" class="choice" data-priority="normal"><span class="name">' +
      esc(_("priority_normal")) + '</span><span class="hint">' + esc(_("priority_normal_hint")) +
      "</span></button>" +
      '<button type="button" class="choice green" data-priority="priority"><span class="name">' +
      esc(_("priority_priority")) + '</span><span class="hint">' +
      esc(_("priority_priority_hint")) + "</span></button></div>" + backButton();
  }

  function idScreen() {
    return '<h1 class="title">' + esc(serviceName(state.service)) + "</h1>" +
      '<div class="swipe"><div class="card-icon" aria-hidden="true"><span></span></div>' +
      '<p class="big">' + esc(_("swipe_card")) + "</p>" +
      '<p class="hint">' + esc(_("swipe_card_hint")) + "</p>" +
      (state.cardMasked ? '<p class="ok">' + esc(_("card_read_ok", { masked: state.cardMasked })) +
        "</p>" : "") +
      '<p class="why">' + esc(_("swipe_card_why")) + "</p></div>" +
      '<div class="actions">' +
      '<button type="button" class="secondary" data-action="home">' + esc(_("back")) + "</button>" +
      (config.demo_swipe ? '<button type="button" class="secondary demo" data-action="demo-swipe">' +
        esc(_("demo_swipe")) + "</button>" : "") +
      '<button type="button" class="primary" data-action="keypad">' + esc(_("type_number")) +
      "</button></div>";
  }

  function keypadScreen() {
    var check = window.HallqId.checkIdNumber(state.typed);
    var status = {
      partial: _("keypad_progress", { n: state.typed.length }), ok: _("keypad_ok"),
      bad_char: _("keypad_bad_char"), bad_area: _("keypad_bad_area"),
      bad_date: _("keypad_bad_date"), bad_check: _("keypad_bad_check")
    }[check];
    // The birth date is masked as soon as the next character is typed (privacy: an ID number is
    // never shown whole on a screen); the last character typed is always visible.
    var last = state.typed.length - 1;
    var shown = state.typed.split("").map(function (c, i) {
      return i >= 6 && i < 14 && i < last ? "•" : c;
    }).join("").replace(/(.{6})(.{0,8})(.*)/, function (all, a, b, c) {
      return [a, b, c].filter(Boolean).join(" ");
    });
    var keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "0", "del"];
    return '<h1 class="title">' + esc(_("keypad_title")) + "</h1>" +
      '<div class="keypad-wrap"><div class="keypad-display">' +
      '<div class="typed" id="typed">' + (esc(shown) || "&nbsp;") + "</div>" +
      '<div class="check ' + (check === "ok" ? "good" : check === "partial" ? "" : "bad") +
      '" id="check">' + esc(status) + "</div>" +
      '<p class="why">' + esc(_("swipe_card_why")) + "</p></div>" +
      '<div class="keypad">' + keys.map(function (k) {
        var disabled = (k === "X" && state.typed.length !== 17) ||
          (k !== "del" && state.typed.length >= 18);
        return '<button type="button" class="key' + (k === "del" ? " del" : "") +
          '" data-key="' + k + '"' + (disabled ? " disabled" : "") + ">" +
          (k === "del" ? esc(_("keypad_delete")) : k) + "</button>";
      }).join("") + "</div></div>" +
      '<div class="actions">' +
      '<button type="button" class="secondary" data-action="home">' + esc(_("back")) + "</button>" +
      '<button type="button" class="secondary" data-action="clear">' + esc(_("keypad_clear")) +
      "</button>" +
      '<button type="button" class="primary" data-action="submit-id"' +
      (check === "ok" ? "" : " disabled") + ">" + esc(_("confirm")) + "</button></div>";
  }

  function printLine() {
    var text = { printed: _("printed"), failed: _("print_failed"),
                 unavailable: _("print_unavailable") }[state.print] || _("printing");
    return '<div class="print ' + esc(state.print || "printing") + '" id="print-status">' +
      esc(text) + "</div>";
  }

  function resultScreen() {
    var ticket = state.ticket;
    var ahead = ticket.waiting_ahead > 0 ? _("ahead", { n: ticket.waiting_ahead }) :
      _("ahead_none");
    return '<div class="result">' +
      '<div class="result-main"><div class="label">' + esc(_("your_number")) + "</div>" +
      '<div class="number" id="ticket-number">' + esc(ticket.number) + "</div>" +
      '<div class="service-name">' + esc(state.lang === "en" && state.service.name_en ?
        state.service.name_en : ticket.service_name) +
      (ticket.priority === "priority" ? ' <span class="badge green">' + esc(_("priority_badge")) +
        "</span>" : "") + "</div>" +
      '<div class="ahead">' + esc(ahead) + "</div>" +
      '<div class="wait">' + esc(waitText(ticket.estimated_wait_s)) + "</div>" +
      printLine() + "</div>" +
      '<div class="result-side"><img class="qr" alt="" src="/track/' +
      encodeURIComponent(ticket.track_token) + '/qr.svg">' +
      '<div class="qr-caption">' + esc(_("scan_to_track")) + "</div>" +
      '<p class="next">' + esc(_("next_steps")) + "</p></div></div>" +
      '<div class="actions"><span class="countdown" id="countdown"></span>' +
      '<button type="button" class="primary" data-action="home">' + esc(_("done")) +
      "</button></div>";
  }

  // A refusal in words, by the API's error code; worded when shown, in the language of the moment.
  function refusal(error) {
    var details = error.details || {};
    if (error.code === "already_waiting" && details.number) {
      return _("error_already_waiting", { number: details.number });
    }
    return {
      service_closed: _("error_service_closed"), quota_exhausted: _("error_quota_exhausted"),
      already_waiting: _("error_already_waiting_plain"), blacklisted: _("error_blacklisted"),
      id_required: _("error_id_required"), invalid_id_number: _("error_invalid_id_number"),
      unknown_service: _("error_unknown_service"), unauthenticated: _("error_unauthenticated"),
      forbidden: _("error_forbidden"), unreachable: _("error_unreachable")
    }[error.code] || _("error_other");
  }

  function errorScreen() {
    return '<div class="message error"><p class="label">' + esc(_("error_title")) + "</p>" +
      '<p class="big" id="error-text">' + esc(refusal(state.error)) + "</p></div>" +
      backButton();
  }

  function issuingScreen() {
    return '<div class="message"><div class="spinner"></div><p class="big">' +
      esc(_("issuing")) + "</p></div>";
  }

  var SCREENS = { home: homeScreen, priority: priorityScreen, id: idScreen, keypad: keypadScreen,
                  issuing: issuingScreen, result: resultScreen, error: errorScreen };

  function render() {
    document.documentElement.lang = state.lang.replace("_", "-");
    document.title = _("page_title") + " · " + config.name;
    document.body.dataset.screen = state.screen;
    root.innerHTML = SCREENS[state.screen]();
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
  function armIdle() {
    clearTimeout(timers.idle);
    clearInterval(timers.countdown);
    if (state.screen === "home" && !state.department && state.lang === config.lang) return;
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
    state.lang = config.lang;
    state.department = null;
    state.service = null;
    state.priority = "normal";
    state.typed = "";
    state.ticket = null;
    state.cardMasked = null;
    state.error = null;
    show("home");
    refreshServices();
  }

  // ---- the flow ----------------------------------------------------------------------------
  function choose(code) {
    var service = state.services.filter(function (s) { return s.code === code; })[0];
    if (!service || !service.open) return;
    state.service = service;
    state.priority = "normal";
    if (config.allow_priority) show("priority");
    else afterPriority();
  }

  function afterPriority() {
    if (state.service.requires_id) show("id");
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
    return fetch("/api/v1/halls/" + encodeURIComponent(config.hall) + "/tickets", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + token,
                 "Idempotency-Key": key },
      body: JSON.stringify(body)
    });
  }

  function issue(idNumber) {
    if (state.screen === "issuing") return;
    var body = { service: state.service.code };
    if (idNumber) body.id_number = idNumber;
    if (state.priority === "priority") body.priority = "priority";
    state.typed = "";
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
    if (el && state.screen === "result") el.outerHTML = printLine();
  }

  function showError(code, details) {
    state.error = { code: code, details: details };
    if (code === "unauthenticated") state.authorised = false;
    show("error");
    refreshServices();
  }

  function demoSwipe() {
    fetch("/kiosk/" + encodeURIComponent(config.hall) + "/demo-swipe",
          { method: "POST", headers: { "Authorization": "Bearer " + token } });
  }

  // ---- touches -----------------------------------------------------------------------------
  root.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || button.disabled) return;
    var data = button.dataset;
    if (data.service) choose(data.service);
    else if (data.department) { state.department = data.department; show("home"); }
    else if (data.priority) { state.priority = data.priority; afterPriority(); }
    else if (data.key) typeKey(data.key);
    else if (data.action === "home") goHome();
    else if (data.action === "keypad") { state.typed = ""; show("keypad"); }
    else if (data.action === "clear") { state.typed = ""; render(); }
    else if (data.action === "submit-id") issue(state.typed);
    else if (data.action === "demo-swipe") demoSwipe();
  });

  function typeKey(key) {
    if (key === "del") state.typed = state.typed.slice(0, -1);
    else if (state.typed.length < 18) state.typed += key;
    render();
  }

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
    state.services = list || [];
    if (state.screen === "home") render();
  }

  function refreshServices() {
    return fetch("/api/v1/halls/" + encodeURIComponent(config.hall) + "/services")
      .then(function (r) { return r.json(); })
      .then(setServices, function () {});
  }

  // ---- sockets: the hall's queue counts, and this kiosk's printer and card reader ----------
  function connectSockets() {
    if (typeof io === "undefined") return;
    var display = io("/display", { auth: { hall: config.hall } });
    display.on("hall_snapshot", function (s) { setServices(s.services); });
    display.on("queue_changed", function (s) { setServices(s.services); });
    if (!token) return;
    var kiosk = io("/kiosk", { auth: { token: token, role: "page" } });
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
      if ((state.screen === "id" || state.screen === "keypad") && read && read.id_number) {
        state.cardMasked = read.masked;
        issue(read.id_number);
      }
    });
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

  render();
  tickClock();
  setInterval(tickClock, 15000);
  refreshServices();
  setInterval(function () { if (state.screen === "home") refreshServices(); }, 30000);
  connectSockets();
  window.HallqKiosk = { state: state, config: config };  // for tests and the curious
})();
