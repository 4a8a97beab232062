/* The kiosk page's shared part: its configuration and catalogs, the one state every screen
   reads, and the text helpers. The screens (kiosk-home.js, kiosk-idcard.js, kiosk-result.js)
   and the flow (kiosk.js) hang off window.HallqKioskParts. Every message id is a literal in a
   _("…") call, so that `make translations` finds it. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("kiosk-config").textContent);
  var catalogs = JSON.parse(document.getElementById("kiosk-catalogs").textContent);
  Hallq.texts.add(catalogs);

  var state = {
    lang: config.lang, screen: "home", services: [], department: null, service: null,
    priority: "normal", typed: "", typedHidden: false, ticket: null, print: null, error: null,
    cardMasked: null, kiosk: { agent: null, printer: { status: "unknown" } }, connected: true,
    paired: true, authorised: true
  };

  function _(key, values) { return Hallq.translate(state.lang, key, values); }
  var esc = Hallq.esc;
  function english() { return state.lang === "en"; }
  function waitText(seconds) {
    return seconds > 0 ? _("estimated_wait", { m: Hallq.waitMinutes(seconds) })
      : _("estimated_wait_none");
  }
  // English names where the hall configuration has them, else the Chinese.
  function serviceName(s) { return english() && s.name_en ? s.name_en : s.name; }
  function departmentName(s) { return english() && s.department_en ? s.department_en : s.department; }
  function hallName() { return english() && config.name_en ? config.name_en : config.name; }

  function backButton(label) {
    return '<div class="actions"><button type="button" class="secondary" data-action="home">' +
      esc(label || _("home")) + "</button></div>";
  }

  // ---- pairing: ?token= once, then kept (hallq.token.kiosk.<hall>, localStorage) -----------
  function pairedToken() { return Hallq.pairedToken("kiosk", config.hall); }

  window.HallqKioskParts = {
    config: config, catalogs: catalogs, state: state, t: _, esc: esc, english: english,
    waitText: waitText, serviceName: serviceName, departmentName: departmentName,
    hallName: hallName, backButton: backButton, pairedToken: pairedToken, screens: {}
  };
})();
