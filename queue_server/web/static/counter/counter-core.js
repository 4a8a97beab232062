/* The counter page's shared core: the signed-in session, messages and time formats, on top of
   hallq.js (texts, API client, token storage, elements). The other counter-*.js scripts add
   their parts to window.hallqCounter (C); counter-login.js, loaded last, starts the page. The
   staff token lives in sessionStorage (hallq.token.staff): closing the browser logs out. The
   follow-up page of the same tab shares it and the chosen hall (Hallq.staffPlace). */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("counter-config").textContent);
  Hallq.setLanguage(config.lang);
  const T = Hallq.texts.table();
  const $ = Hallq.byId;
  // What tests and people may inspect: the last state, actions sent, pushes received.
  const hallq = window.hallq = {events: [], state: null, me: null, sent: [], pending: 0,
                                     acting: false};

  // The session: the token (Hallq.tokens, role "staff") and where the clerk works.
  function loadSession() {
    const token = Hallq.tokens.get("staff");
    if (!token) return null;
    const place = Hallq.staffPlace.get();
    return {token: token, hall: place.hall || config.hall, window: place.window || null,
            chose: !!place.chose};
  }

  const C = window.hallqCounter = {
    config, T, $, hallq,
    session: loadSession(),
    socket: null,
    state: null,        // the last counter_state (merged with queue pushes)
    stateAt: 0,         // Date.now() when it arrived
    skewMs: 0,          // server clock − browser clock
    timeZone: "Asia/Shanghai",
  };

  C.save = function () {
    Hallq.tokens.set("staff", null, C.session.token);
    Hallq.staffPlace.set({hall: C.session.hall, window: C.session.window,
                          chose: !!C.session.chose});
  };
  C.forget = function () {
    C.session = null; Hallq.tokens.clear("staff");  // and the place
  };

  Hallq.texts.apply();
  document.title = T.title;

  C.errorText = function (error) {
    const key = T.errors[error.code] === undefined ? "errors.unknown" : "errors." + error.code;
    const details = error.details || {};
    const values = Object.assign({code: error.code, message: error.message}, details);
    if ("current" in details) {
      values.current = details.current ? details.current.number : T.nothing_current;
    }
    if (details.ticket_status) values.ticket_status = T.statuses[details.ticket_status] || "";
    return Hallq.t(key, values);
  };

  C.show = Hallq.show;
  C.showError = function (text) {
    C.show($("action-error"), text); C.show($("action-notice"), ""); C.show($("action-info"), "");
  };
  C.showNotice = function (text) {
    C.show($("action-notice"), text); C.show($("action-error"), ""); C.show($("action-info"), "");
  };
  C.showInfo = function (text) {  // calm, not an error: e.g. nobody is waiting
    C.show($("action-info"), text); C.show($("action-error"), ""); C.show($("action-notice"), "");
  };

  const client = Hallq.client("staff", {
    track: hallq,
    onUnauthenticated: (error) => { if (C.logOut) C.logOut(C.errorText(error)); },
  });
  C.api = client.request;

  C.windowPath = function (action) {
    return "/halls/" + encodeURIComponent(C.session.hall) + "/windows/" + C.session.window +
      action;
  };

  C.duration = function (seconds) {
    if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "—";
    seconds = Math.max(0, Math.round(seconds));
    const h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    if (h) return Hallq.t("hours", {h, m});
    if (m) return Hallq.t("minutes", {m, s});
    return Hallq.t("seconds", {s});
  };

  C.serviceName = function (code, fallback) {
    const service = (hallq.services || []).find((s) => s.code === code);
    if (!service) return fallback || code;
    return config.lang === "en" && service.name_en ? service.name_en : service.name;
  };
})();
