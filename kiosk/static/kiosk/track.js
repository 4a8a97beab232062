/* The citizen's phone: one ticket's place in the queue, updated live. Shows nothing personal.
   Besides the number: an alert the citizen switches on (vibration and a short tone once the
   people ahead are at most the chosen few), the windows serving the ticket's service and what
   each is doing, and cancelling the ticket after a confirmation.
   Texts come from the gettext catalogs the server embeds (kiosk/translations), looked up by
   hallq.js: every message id is a literal in a _("…") call, so that `make translations`
   finds it. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("track-config").textContent);
  var catalogs = JSON.parse(document.getElementById("track-catalogs").textContent);
  Hallq.texts.add(catalogs);
  var api = Hallq.client(null);  // the track link is the credential: no token
  var LANG_KEY = "hallq.track.lang";
  var ALERT_KEY = "hallq.track.alert." + config.token;
  var DEFAULT_NEAR = 3;
  // ?lang= (what the server rendered) first, then the language this phone chose last time.
  var lang = new URLSearchParams(location.search).has("lang") ? config.lang :
    localStorage.getItem(LANG_KEY) || config.lang;
  if (!catalogs[lang]) lang = config.lang;
  var STEADY_S = 60;
  var ticket = null, missing = false, socket = null, pending = null, updatedAt = null;
  var waitSetAt = Date.now();  // the estimate counts down from when it was read or pushed
  var confirming = false, cancelError = null;
  var alert = JSON.parse(localStorage.getItem(ALERT_KEY) || "null") ||
    { on: false, near: DEFAULT_NEAR, fired: false };
  var audio = null;
  var hallq = window.HallqTrack = { alerts: 0, vibrations: 0, tones: 0, waitPushes: 0 };  // tests

  function _(key, values) { return Hallq.translate(lang, key, values); }
  var esc = Hallq.esc;
  function clock(iso) { return iso ? iso.slice(11, 16) : ""; }
  // The time in the hall's zone (the offset of the ticket's own times), as on the ticket.
  function hallClock(date, sample) {
    var match = /([+-])(\d\d):(\d\d)$/.exec(sample || "");
    var offset = match ? (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
    return new Date(date.getTime() + offset * 60000).toISOString().slice(11, 19);
  }

  // A called ticket whose window has paused: the screens no longer call it, nor may this page.
  function calledAtPausedWindow(ticket) {
    return ticket.status === "called" && ticket.window_state === "paused";
  }

  function statusText(ticket) {
    if (calledAtPausedWindow(ticket)) {
      return _("track_status_called_paused", { window: ticket.window_name || ticket.window });
    }
    return {
      waiting: _("track_status_waiting"),
      called: _("track_status_called", { window: ticket.window_name || ticket.window }),
      done: _("track_status_done"), no_show: _("track_status_no_show"),
      cancelled: _("track_status_cancelled"), held: _("track_status_held"),
      expired: _("track_status_expired")
    }[ticket.status] || ticket.status;
  }

  // ---- the near alert ------------------------------------------------------------------------
  function saveAlert() { localStorage.setItem(ALERT_KEY, JSON.stringify(alert)); }

  function tone() {
    if (!audio) return;
    var oscillator = audio.createOscillator(), gain = audio.createGain();
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.25, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.6);
    hallq.tones += 1;
  }

  function fireAlert() {
    hallq.alerts += 1;
    if (navigator.vibrate && navigator.vibrate([300, 150, 300])) hallq.vibrations += 1;
    tone();
  }

  // Once on the way in: when the people ahead drop to the chosen few, and again when called.
  function checkAlert() {
    if (!alert.on || !ticket) return;
    var near = ticket.status === "waiting" && ticket.waiting_ahead <= alert.near;
    var stage = ticket.status === "called" ? "called" : near ? "near" : false;
    if (stage && alert.fired !== stage) {
      alert.fired = stage;
      saveAlert();
      fireAlert();
    }
  }

  function alertBlock() {
    var options = [1, 2, 3, 5].map(function (n) {
      return '<option value="' + n + '"' + (n === alert.near ? " selected" : "") + ">" +
        esc(_("track_alert_when", { n: n })) + "</option>";
    }).join("");
    var near = alert.on && ticket.waiting_ahead <= alert.near;
    return '<section class="alert-box' + (alert.on ? " on" : "") + '">' +
      '<button type="button" class="switch" id="alert-toggle" aria-pressed="' + alert.on + '">' +
      esc(alert.on ? _("track_alert_on") : _("track_alert_off")) + "</button>" +
      '<label class="when">' + esc(_("track_alert_label")) +
      ' <select id="alert-near">' + options + "</select></label>" +
      (near ? '<p class="near" id="near">' + esc(_("track_alert_near", { n: ticket.waiting_ahead })) +
        "</p>" : "") + "</section>";
  }

  // ---- the windows and cancelling --------------------------------------------------------------
  function windowsBlock() {
    var list = ticket.windows || [];
    if (!list.length) return "";
    var words = { closed: _("track_window_closed"), paused: _("track_window_paused"),
                  idle: _("track_window_waiting"), serving: _("track_window_serving") };
    return '<section class="windows"><h2>' + esc(_("track_windows_title")) + "</h2><ul>" +
      list.map(function (w) {
        return '<li class="' + (w.open ? "open" : "shut") + '" data-window="' + esc(w.number) +
          '"><span>' + esc(w.name) + '</span><b class="state ' + esc(w.state) + '">' +
          esc(words[w.state] || w.state) + "</b></li>";
      }).join("") + "</ul></section>";
  }

  function cancelBlock() {
    if (!confirming) {
      return '<button type="button" class="cancel" id="cancel">' + esc(_("track_cancel")) +
        "</button>" + (cancelError ? '<p class="error" id="cancel-error">' + esc(cancelError) +
        "</p>" : "");
    }
    return '<div class="confirm" id="confirm"><p>' +
      esc(_("track_cancel_confirm", { number: ticket.number })) + "</p>" +
      '<button type="button" class="danger" id="cancel-yes">' + esc(_("track_cancel_yes")) +
      '</button><button type="button" class="plain" id="cancel-no">' + esc(_("track_cancel_no")) +
      "</button></div>";
  }

  function cancelTicket() {
    api.request("POST", "/track/" + encodeURIComponent(config.token) + "/cancel")
      .then(function (data) {
        confirming = false;
        ticket = Object.assign(ticket, data);
        cancelError = null;
        render();
      }, function (error) {
        confirming = false;
        var offline = error.code === "network";
        cancelError = offline ? _("track_cancel_offline") : _("track_cancel_refused");
        render();
        if (!offline) load();
      });
  }

  // ---- the page ----------------------------------------------------------------------------
  function waitingBlocks() {
    return (ticket.requeued_count > 0 ? '<p class="requeued" id="requeued">' +
      esc(_("track_requeued")) + "</p>" : "") +
      '<div class="figures"><div><b id="ahead">' + esc(ticket.waiting_ahead) +
      "</b><span>" + esc(_("track_ahead_label")) + "</span></div>" +
      "<div><b id=\"wait\">" + esc(shownWait() > 0 ? Hallq.waitMinutes(shownWait()) :
        0) + "</b><span>" + esc(_("track_wait_label")) + "</span></div></div>" + alertBlock();
  }

  function shownWait() {
    return Math.max(0, ticket.estimated_wait_s - (Date.now() - waitSetAt) / 1000);
  }

  function ticketHtml() {
    var waiting = ticket.status === "waiting", paused = calledAtPausedWindow(ticket);
    return '<div class="number" id="number">' + esc(ticket.number) + "</div>" +
      '<div class="service">' + esc(lang === "en" && ticket.service_name_en ?
        ticket.service_name_en : ticket.service_name) + "</div>" +
      '<div class="status ' + esc(ticket.status) + (paused ? " window-paused" : "") +
      '" id="status">' + esc(statusText(ticket)) + "</div>" +
      (ticket.status === "called" ? '<p class="hint">' +
        esc(paused ? _("track_called_paused_hint") : _("track_called_hint")) + "</p>" : "") +
      (ticket.status === "cancelled" ? '<p class="advice">' + esc(_("track_cancelled_hint")) +
        "</p>" : "") +
      (waiting ? waitingBlocks() : "") +
      '<p class="issued">' + esc(_("track_issued", { time: clock(ticket.issued_at) })) + "</p>" +
      (waiting ? '<p class="advice">' + esc(_("next_steps")) + "</p>" : "") +
      (waiting || ticket.status === "called" ? windowsBlock() : "") +
      (waiting ? cancelBlock() : "");
  }

  function render() {
    document.documentElement.lang = lang.replace("_", "-");
    document.title = _("track_title");
    document.getElementById("lang").textContent = _("switch_language");
    var loading = document.getElementById("loading");
    if (loading) loading.textContent = _("loading");
    document.getElementById("hall").textContent = ticket ?
      (lang === "en" && ticket.hall_name_en ? ticket.hall_name_en : ticket.hall_name) :
      _("track_title");
    var main = document.getElementById("ticket");
    if (missing) {
      main.innerHTML = '<p class="missing">' + esc(_("track_unknown")) + "</p>";
      return;
    }
    if (!ticket) return;
    main.dataset.status = ticket.status;
    main.innerHTML = ticketHtml();
    var live = document.getElementById("live");
    live.textContent = socket && socket.connected ? "● " + _("track_live") : _("track_reconnecting");
    live.className = socket && socket.connected ? "live on" : "live";
    document.getElementById("updated").textContent = updatedAt ?
      _("track_updated", { time: hallClock(updatedAt, ticket.issued_at) }) : "";
  }

  document.getElementById("ticket").addEventListener("click", function (event) {
    var id = event.target.id;
    if (id === "alert-toggle") {
      alert.on = !alert.on;
      alert.fired = false;
      if (alert.on && !audio && (window.AudioContext || window.webkitAudioContext)) {
        audio = new (window.AudioContext || window.webkitAudioContext)();  // needs this tap
      }
      saveAlert();
      render();
      checkAlert();
    } else if (id === "cancel") { confirming = true; cancelError = null; render(); }
    else if (id === "cancel-no") { confirming = false; render(); }
    else if (id === "cancel-yes") cancelTicket();
  });
  document.getElementById("ticket").addEventListener("change", function (event) {
    if (event.target.id !== "alert-near") return;
    alert.near = Number(event.target.value) || DEFAULT_NEAR;
    alert.fired = false;
    saveAlert();
    render();
    checkAlert();
  });

  function load() {
    return api.request("GET", "/track/" + encodeURIComponent(config.token))
      .then(function (data) {
        if (!data) return;
        // The estimate moves only by more than a minute: no jitter at every queue change.
        if (ticket && data.status === ticket.status &&
            Math.abs(data.estimated_wait_s - shownWait()) <= STEADY_S) {
          data.estimated_wait_s = ticket.estimated_wait_s;
        } else {
          waitSetAt = Date.now();
        }
        ticket = data;
        updatedAt = new Date();
        render();
        checkAlert();
        if (!socket) listen(data.hall);
      }, function (error) {
        if (error.status === 404) { missing = true; render(); }
      });
  }

  function soon() {
    clearTimeout(pending);
    pending = setTimeout(load, 250);
  }

  function listen(hall) {
    if (typeof io === "undefined") return;
    socket = io("/display", { auth: { hall: hall, track: config.token } });
    socket.on("connect", function () { render(); load(); });
    socket.on("disconnect", render);
    // Pushed to this ticket's phone only, when its expected call moved by more than a minute.
    socket.on("wait_changed", function (data) {
      if (!ticket || ticket.status !== "waiting") return;
      hallq.waitPushes += 1;
      ticket.estimated_wait_s = data.estimated_wait_s;
      waitSetAt = Date.now();
      render();
    });
    ["ticket_called", "queue_changed", "window_changed"].forEach(function (name) {
      socket.on(name, soon);
    });
  }

  document.getElementById("lang").addEventListener("click", function () {
    lang = lang === "en" ? "zh_CN" : "en";
    localStorage.setItem(LANG_KEY, lang);
    render();
  });
  render();
  load();
  setInterval(load, 30000);  // a fallback should the live connection be blocked
})();
