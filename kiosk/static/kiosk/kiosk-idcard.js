/* The kiosk's real-name steps: swipe the ID card, or type the number on the keypad.

   While typing, every character shows, grouped 6-8-4 (area, birth date, sequence and check)
   so that a citizen told "校验位不符" can find the wrong digit. Once the citizen stops typing
   for K.hideAfterMs (15 s), the birth date is masked (a number is never left whole on a hall screen);
   the next key shows it again. Confirming clears it. */
(function (K) {
  "use strict";
  var state = K.state, config = K.config, esc = K.esc;
  K.hideAfterMs = 15000;  // settable, for tests
  var hideTimer = null;
  function _(key, values) { return K.t(key, values); }

  function idScreen() {
    return '<h1 class="title">' + esc(K.serviceName(state.service)) + "</h1>" +
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
      (state.service.id_card_only ? "" : '<button type="button" class="primary" ' +
        'data-action="keypad">' + esc(_("type_number")) + "</button>") + "</div>";
  }

  // "110105 19491231 002X": groups of 6, 8 and 4; the 8 as dots while hidden.
  function grouped(typed, hidden) {
    var groups = [typed.slice(0, 6), typed.slice(6, 14), typed.slice(14)];
    if (hidden) groups[1] = groups[1].replace(/./g, "•");
    return groups.filter(Boolean).map(function (group, i) {
      return '<span class="group g' + i + '">' + esc(group) + "</span>";
    }).join(" ");
  }

  function statusText(check) {
    return {
      partial: _("keypad_progress", { n: state.typed.length }), ok: _("keypad_ok"),
      bad_char: _("keypad_bad_char"), bad_area: _("keypad_bad_area"),
      bad_date: _("keypad_bad_date"), bad_check: _("keypad_bad_check")
    }[check];
  }

  function keyButton(k) {
    var disabled = (k === "X" && state.typed.length !== 17) ||
      (k !== "del" && state.typed.length >= 18);
    return '<button type="button" class="key' + (k === "del" ? " del" : "") + '" data-key="' + k +
      '"' + (disabled ? " disabled" : "") + ">" + (k === "del" ? esc(_("keypad_delete")) : k) +
      "</button>";
  }

  function keypadScreen() {
    var check = window.HallqId.checkIdNumber(state.typed);
    var keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "0", "del"];
    return '<h1 class="title">' + esc(_("keypad_title")) + "</h1>" +
      '<div class="keypad-wrap"><div class="keypad-display">' +
      '<div class="typed' + (state.typedHidden ? " hidden-digits" : "") + '" id="typed">' +
      (grouped(state.typed, state.typedHidden) || "&nbsp;") + "</div>" +
      (state.typedHidden ? '<p class="hint" id="typed-hidden">' + esc(_("keypad_hidden")) +
        "</p>" : "") +
      '<div class="check ' + (check === "ok" ? "good" : check === "partial" ? "" : "bad") +
      '" id="check">' + esc(statusText(check)) + "</div>" +
      '<p class="why">' + esc(_("swipe_card_why")) + "</p></div>" +
      '<div class="keypad">' + keys.map(keyButton).join("") + "</div></div>" +
      '<div class="actions">' +
      '<button type="button" class="secondary" data-action="home">' + esc(_("back")) + "</button>" +
      '<button type="button" class="secondary" data-action="clear">' + esc(_("keypad_clear")) +
      "</button>" +
      '<button type="button" class="primary" data-action="submit-id"' +
      (check === "ok" ? "" : " disabled") + ">" + esc(_("confirm")) + "</button></div>";
  }

  // A key: the number shows whole again, and hides once the citizen stops typing.
  function typeKey(key, render) {
    if (key === "del") state.typed = state.typed.slice(0, -1);
    else if (state.typed.length < 18) state.typed += key;
    state.typedHidden = false;
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () {
      if (state.screen !== "keypad" || !state.typed) return;
      state.typedHidden = true;
      render();
    }, K.hideAfterMs);
    render();
  }

  function clearTyped() {
    clearTimeout(hideTimer);
    state.typed = "";
    state.typedHidden = false;
  }

  K.screens.id = idScreen;
  K.screens.keypad = keypadScreen;
  K.typeKey = typeKey;
  K.clearTyped = clearTyped;
})(window.HallqKioskParts);
