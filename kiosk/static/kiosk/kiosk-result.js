/* The kiosk's last screens: issuing, the number (with the print status and the QR code to the
   phone page), and a refusal in plain words. */
(function (K) {
  "use strict";
  var state = K.state, esc = K.esc;
  function _(key, values) { return K.t(key, values); }

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
      '<div class="service-name">' + esc(K.english() && state.service.name_en ?
        state.service.name_en : ticket.service_name) +
      (ticket.priority === "priority" ? ' <span class="badge green">' + esc(_("priority_badge")) +
        "</span>" : "") +
      (ticket.booked ? ' <span class="badge booked" id="booked-badge">' +
        esc(_("booked_badge")) + "</span>" : "") + "</div>" +
      '<div class="ahead">' + esc(ahead) + "</div>" +
      '<div class="wait">' + esc(K.waitText(ticket.estimated_wait_s)) + "</div>" +
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
    if (error.code === "too_early" && details.come_back_at) {
      return _("error_too_early", { time: details.come_back_at });
    }
    return {
      service_closed: _("error_service_closed"), quota_exhausted: _("error_quota_exhausted"),
      already_waiting: _("error_already_waiting_plain"), blacklisted: _("error_blacklisted"),
      id_required: _("error_id_required"), invalid_id_number: _("error_invalid_id_number"),
      // a card-only service, or a swipe's reference that expired: swipe the card (again)
      card_required: _("error_id_required"), invalid_card_ref: _("error_id_required"),
      unknown_service: _("error_unknown_service"), unauthenticated: _("error_unauthenticated"),
      forbidden: _("error_forbidden"), unreachable: _("error_unreachable"),
      booking_late: _("error_booking_late"), unknown_booking: _("error_unknown_booking"),
      booking_not_active: _("error_booking_not_active"), invalid_request: _("error_other")
    }[error.code] || _("error_other");
  }

  function errorScreen() {
    return '<div class="message error"><p class="label">' + esc(_("error_title")) + "</p>" +
      '<p class="big" id="error-text">' + esc(refusal(state.error)) + "</p></div>" +
      K.backButton().replace("</div>", K.lateOffer(state.error) + "</div>");
  }

  function issuingScreen() {
    return '<div class="message"><div class="spinner"></div><p class="big">' +
      esc(_("issuing")) + "</p></div>";
  }

  K.screens.result = resultScreen;
  K.screens.error = errorScreen;
  K.screens.issuing = issuingScreen;
  K.printLine = printLine;
})(window.HallqKioskParts);
