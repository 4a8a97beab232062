/* The citizen's phone: one ticket's place in the queue, updated live. Shows nothing personal.
   Texts come from the gettext catalogs the server embeds (kiosk/translations): every message
   id is a literal in a _("…") call, so that `make translations` finds it. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("track-config").textContent);
  var catalogs = JSON.parse(document.getElementById("track-catalogs").textContent);
  var LANG_KEY = "hallq.track.lang";
  // ?lang= (what the server rendered) first, then the language this phone chose last time.
  var lang = new URLSearchParams(location.search).has("lang") ? config.lang :
    localStorage.getItem(LANG_KEY) || config.lang;
  if (!catalogs[lang]) lang = config.lang;
  var ticket = null, missing = false, socket = null, pending = null, updatedAt = null;

  function _(key, values) { return HallqText.translate(catalogs, lang, key, values); }
  function esc(text) { return HallqText.esc(text); }
  function clock(iso) { return iso ? iso.slice(11, 16) : ""; }
  // The time in the hall's zone (the offset of the ticket's own times), as on the ticket.
  function hallClock(date, sample) {
    var match = /([+-])(\d\d):(\d\d)$/.exec(sample || "");
    var offset = match ? (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
    return new Date(date.getTime() + offset * 60000).toISOString().slice(11, 19);
  }

  function statusText(ticket) {
    return {
      waiting: _("track_status_waiting"),
      called: _("track_status_called", { window: ticket.window_name || ticket.window }),
      done: _("track_status_done"), no_show: _("track_status_no_show"),
      cancelled: _("track_status_cancelled")
    }[ticket.status] || ticket.status;
  }

  function render() {
    document.documentElement.lang = lang.replace("_", "-");
    document.title = _("track_title");
    document.getElementById("lang").textContent = _("switch_language");
    var loading = document.getElementById("loading");
    if (loading) loading.textContent = _("loading");
    document.getElementById("hall").textContent = ticket ? ticket.hall_name : _("track_title");
    var main = document.getElementById("ticket");
    if (missing) {
      main.innerHTML = '<p class="missing">' + esc(_("track_unknown")) + "</p>";
      return;
    }
    if (!ticket) return;
    var waiting = ticket.status === "waiting";
    main.dataset.status = ticket.status;
    main.innerHTML =
      '<div class="number" id="number">' + esc(ticket.number) + "</div>" +
      '<div class="service">' + esc(lang === "en" && ticket.service_name_en ? ticket.service_name_en : ticket.service_name) + "</div>" +
      '<div class="status ' + esc(ticket.status) + '" id="status">' + esc(statusText(ticket)) +
      "</div>" +
      (ticket.status === "called" ? '<p class="hint">' + esc(_("track_called_hint")) + "</p>" : "") +
      (waiting ? '<div class="figures"><div><b id="ahead">' + esc(ticket.waiting_ahead) +
        "</b><span>" + esc(_("track_ahead_label")) + "</span></div>" +
        "<div><b>" + esc(ticket.estimated_wait_s > 0 ? Math.ceil(ticket.estimated_wait_s / 60) :
          0) + "</b><span>" + esc(_("track_wait_label")) + "</span></div></div>" : "") +
      '<p class="issued">' + esc(_("track_issued", { time: clock(ticket.issued_at) })) + "</p>" +
      (waiting ? '<p class="advice">' + esc(_("next_steps")) + "</p>" : "");
    var live = document.getElementById("live");
    live.textContent = socket && socket.connected ? "● " + _("track_live") : _("track_reconnecting");
    live.className = socket && socket.connected ? "live on" : "live";
    document.getElementById("updated").textContent = updatedAt ?
      _("track_updated", { time: hallClock(updatedAt, ticket.issued_at) }) : "";
  }

  function load() {
    return fetch("/api/v1/track/" + encodeURIComponent(config.token))
      .then(function (response) {
        if (response.status === 404) { missing = true; render(); return null; }
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        ticket = data;
        updatedAt = new Date();
        render();
        if (!socket) listen(data.hall);
      }, function () {});
  }

  function soon() {
    clearTimeout(pending);
    pending = setTimeout(load, 250);
  }

  function listen(hall) {
    if (typeof io === "undefined") return;
    socket = io("/display", { auth: { hall: hall } });
    socket.on("connect", function () { render(); load(); });
    socket.on("disconnect", render);
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
