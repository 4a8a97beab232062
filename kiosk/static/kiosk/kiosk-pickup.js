/* 窗口送达 at the kiosk (issue 11): a 取件 ticket for a case that is done, by its 受理编号 typed
   on the keypad or by swiping the ID card. The ticket goes to the window holding the result,
   ahead of ordinary tickets (the server's POST …/cases/pickup). This module adds the entry on
   the start screen, the pickup screen and its own touches; the flow (kiosk.js) lends it
   show/showResult through K.flow and hands it card reads made on this screen. Every message id
   is a literal in a _("…") call, so that `make translations` finds it. */
(function (K) {
  "use strict";
  var state = K.state, config = K.config, esc = K.esc;
  var MAX_DIGITS = 13;  // a year and a sequence of up to nine digits
  state.pickupTyped = "";
  state.pickupError = null;
  function _(key, values) { return K.t(key, values); }

  // "2026000123" is shown and sent as "2026-000123".
  function caseNumber(digits) {
    return digits.length > 4 ? digits.slice(0, 4) + "-" + digits.slice(4) : digits;
  }

  function pickupEntry() {
    return '<button type="button" class="pickup-entry" data-pickup="start">' +
      '<span class="name">' + esc(_("pickup_entry")) + "</span>" +
      '<span class="hint">' + esc(_("pickup_entry_hint")) + "</span></button>";
  }

  function errorText(error) {
    var details = error.details || {};
    if (error.code === "case_not_ready") {
      return details.promised_on ? _("pickup_not_ready_until", { day: details.promised_on })
        : _("pickup_not_ready");
    }
    return {
      unknown_case: _("pickup_unknown"), no_pickup_window: _("pickup_no_window"),
      invalid_card_ref: _("error_id_required"), invalid_request: _("pickup_unknown"),
      unreachable: _("error_unreachable")
    }[error.code] || _("error_other");
  }

  function keyButton(k) {
    var disabled = k !== "del" && state.pickupTyped.length >= MAX_DIGITS;
    return '<button type="button" class="key' + (k === "del" ? " del" : "") +
      '" data-pickup-key="' + k + '"' + (disabled ? " disabled" : "") + ">" +
      (k === "del" ? esc(_("keypad_delete")) : k) + "</button>";
  }

  function pickupScreen() {
    var keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", "del"];
    var ready = state.pickupTyped.length > 4;
    return '<h1 class="title">' + esc(_("pickup_title")) + "</h1>" +
      '<p class="hint pickup-swipe">' + esc(_("pickup_swipe_hint")) + "</p>" +
      '<div class="keypad-wrap"><div class="keypad-display">' +
      '<div class="typed" id="pickup-typed">' +
      (esc(caseNumber(state.pickupTyped)) || "&nbsp;") + "</div>" +
      '<p class="hint">' + esc(_("pickup_number_hint")) + "</p>" +
      (state.pickupError ? '<p class="check bad" id="pickup-error">' +
        esc(errorText(state.pickupError)) + "</p>" : "") + "</div>" +
      '<div class="keypad">' + keys.map(function (k) {
        return k ? keyButton(k) : "<span></span>";
      }).join("") + "</div></div>" +
      '<div class="actions">' +
      '<button type="button" class="secondary" data-action="home">' + esc(_("back")) + "</button>" +
      (config.demo_swipe ? '<button type="button" class="secondary demo" ' +
        'data-action="demo-swipe">' + esc(_("demo_swipe")) + "</button>" : "") +
      '<button type="button" class="primary" data-pickup="submit"' + (ready ? "" : " disabled") +
      ">" + esc(_("confirm")) + "</button></div>";
  }

  function failed(error) {
    state.pickupError = error;
    K.flow.show("pickup");
  }

  function request(body) {
    if (state.screen === "issuing") return;
    state.pickupError = null;
    K.flow.show("issuing");
    var api = Hallq.client("kiosk", { token: K.pairedToken() });
    api.request("POST", "/halls/" + encodeURIComponent(config.hall) + "/cases/pickup", body)
      .then(function (ticket) {
        var where = ticket.pickup.window_name;
        ticket.service_name = _("pickup_service", { window: where });
        state.service = { code: ticket.service, name: ticket.service_name,
                          name_en: ticket.service_name };
        state.pickupTyped = "";
        K.flow.showResult(ticket);
      }, function (error) {
        if (error.code === "unauthenticated") state.authorised = false;
        failed(error);
      });
  }

  function start() {
    state.pickupTyped = "";
    state.pickupError = null;
    K.flow.show("pickup");
  }

  function typeKey(key) {
    if (key === "del") state.pickupTyped = state.pickupTyped.slice(0, -1);
    else if (state.pickupTyped.length < MAX_DIGITS) state.pickupTyped += key;
    state.pickupError = null;
    K.flow.render();
  }

  document.getElementById("screen").addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || button.disabled) return;
    if (button.dataset.pickupKey) typeKey(button.dataset.pickupKey);
    else if (button.dataset.pickup === "start") start();
    else if (button.dataset.pickup === "submit") {
      request({ number: caseNumber(state.pickupTyped) });
    }
  });

  K.pickupEntry = pickupEntry;
  K.pickupCard = function (read) { request({ card_ref: read.ref }); };
  K.screens.pickup = pickupScreen;
})(window.HallqKioskParts);
