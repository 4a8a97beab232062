/* 预约签到 at the kiosk (issue 13): a citizen who booked on the phone checks in by swiping the ID
   card (the kiosk agent's card read, as a short-lived reference) or by typing the booking code on
   the on-screen keypad; a QR scanner at the kiosk "types" the code and presses Enter. The answer
   is the ticket, marked 预约, printed like any other; too early says when to come back; too late
   offers an ordinary ticket of the booking's service. The flow's helpers (K.flow) come from
   kiosk.js, which loads after this file. Every message id is a literal in a _("…") call. */
(function (K) {
  "use strict";
  var state = K.state, config = K.config, esc = K.esc;
  var CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";  // as the server makes them: no 0/O, 1/I
  var CODE_LENGTH = 8;
  function _(key, values) { return K.t(key, values); }

  state.code = "";

  function bookingEntry() {
    if (!config.booking) return "";
    return '<button type="button" class="booking-entry" data-action="checkin">' +
      '<span class="name">' + esc(_("checkin_entry")) + "</span>" +
      '<span class="hint">' + esc(_("checkin_entry_hint")) + "</span></button>";
  }

  function codeKey(k) {
    var disabled = k !== "del" && state.code.length >= CODE_LENGTH;
    return '<button type="button" class="key' + (k === "del" ? " del" : "") +
      '" data-code-key="' + k + '"' + (disabled ? " disabled" : "") + ">" +
      (k === "del" ? esc(_("keypad_delete")) : k) + "</button>";
  }

  function checkinScreen() {
    var keys = CODE_CHARS.split("").concat(["del"]);
    var complete = state.code.length === CODE_LENGTH;
    return '<h1 class="title">' + esc(_("checkin_title")) + "</h1>" +
      '<div class="checkin">' +
      '<div class="checkin-swipe"><div class="card-icon small" aria-hidden="true"><span></span>' +
      '</div><p class="big">' + esc(_("checkin_swipe")) + "</p>" +
      (state.cardMasked ? '<p class="ok">' + esc(_("card_read_ok", { masked: state.cardMasked })) +
        "</p>" : "") + "</div>" +
      '<p class="or">' + esc(_("checkin_or")) + "</p>" +
      '<div class="keypad-display"><div class="typed code" id="booking-code">' +
      (esc(state.code) || "&nbsp;") + "</div>" +
      '<div class="check' + (complete ? " good" : "") + '" id="code-check">' +
      esc(complete ? _("checkin_code_ok") : _("checkin_code_progress",
        { n: state.code.length, total: CODE_LENGTH })) + "</div></div>" +
      '<div class="keypad code-keypad">' + keys.map(codeKey).join("") + "</div></div>" +
      '<div class="actions">' +
      '<button type="button" class="secondary" data-action="home">' + esc(_("back")) + "</button>" +
      (config.demo_swipe ? '<button type="button" class="secondary demo" ' +
        'data-action="demo-swipe">' + esc(_("demo_swipe")) + "</button>" : "") +
      '<button type="button" class="secondary" data-action="clear-code">' +
      esc(_("keypad_clear")) + "</button>" +
      '<button type="button" class="primary" data-action="submit-code"' +
      (complete ? "" : " disabled") + ">" + esc(_("checkin_confirm")) + "</button></div>";
  }

  function typeCode(key) {
    if (key === "del") state.code = state.code.slice(0, -1);
    else if (state.code.length < CODE_LENGTH && CODE_CHARS.indexOf(key) >= 0) state.code += key;
    K.flow.render();
  }

  // The booking's service as the kiosk lists it (its English name), for the result screen.
  function serviceOf(code) {
    return state.services.filter(function (s) { return s.code === code; })[0] ||
      { code: code, name: "", name_en: "" };
  }

  // body: {code} or {card_ref}. One attempt: a check-in is not repeated blindly (a second one
  // of a booking already checked in answers booking_not_active).
  function checkIn(body) {
    if (state.screen === "issuing") return;
    var flow = K.flow;
    state.code = "";
    flow.show("issuing");
    K.api.respond("/halls/" + encodeURIComponent(config.hall) + "/bookings/check-in", {
      method: "POST", body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 201) {
          state.service = serviceOf(data.service);
          flow.showResult(data);
        } else {
          flow.showError((data.error || {}).code, (data.error || {}).details);
        }
      });
    }, function () { flow.showError("unreachable"); });
  }

  function submitCode() {
    if (state.code.length === CODE_LENGTH) checkIn({ code: state.code });
  }

  // Too late: an ordinary ticket of the booking's service, when it is open now.
  function lateOffer(error) {
    var details = (error && error.details) || {};
    if (error.code !== "booking_late" || !details.service) return "";
    var service = serviceOf(details.service);
    if (!service.open) return "";
    return '<button type="button" class="primary" data-service="' + esc(service.code) + '">' +
      esc(_("checkin_take_ordinary")) + "</button>";
  }

  // A scanner (or a keyboard) types the code and presses Enter.
  document.addEventListener("keydown", function (event) {
    if (state.screen !== "checkin" || event.ctrlKey || event.altKey || event.metaKey) return;
    if (event.key === "Enter") { event.preventDefault(); submitCode(); return; }
    if (event.key === "Backspace") { event.preventDefault(); typeCode("del"); return; }
    var key = (event.key || "").toUpperCase();
    if (key.length === 1 && CODE_CHARS.indexOf(key) >= 0) {
      event.preventDefault();
      if (state.code.length >= CODE_LENGTH) state.code = "";  // a new scan replaces the old
      typeCode(key);
    }
  });

  K.screens.checkin = checkinScreen;
  K.bookingEntry = bookingEntry;
  K.checkIn = checkIn;
  K.submitCode = submitCode;
  K.typeCode = typeCode;
  K.lateOffer = lateOffer;
})(window.HallqKioskParts);
