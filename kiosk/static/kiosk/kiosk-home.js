/* The kiosk's main screen: the hall's services as tiles (or its departments first, when there
   are many), and 绿色通道 as an entry of its own. A normal tile issues the number directly; the
   priority entry leads to the same tiles in green, which then issue a priority number. */
(function (K) {
  "use strict";
  var state = K.state, esc = K.esc;
  var DEPARTMENTS_FROM = 13;  // this many services or more: choose the department first
  function _(key, values) { return K.t(key, values); }

  function closedReason(s) {
    if (s.closed_reason === "quota") return _("closed_quota") + " · " + _("closed_quota_detail");
    if (s.open) return "";
    return _("closed_hours") + (s.hours && s.hours.length ?
      " · " + _("closed_hours_detail", { hours: s.hours.join(", ") }) : "");
  }

  // The department and the real-name badge share the tile's first line: a long department
  // (公安局出入境管理支队) wraps beside the badge instead of running under it.
  function serviceCard(s) {
    var closed = !s.open;
    return '<button type="button" class="service' + (closed ? " closed" : "") + '" data-service="' +
      esc(s.code) + '"' + (closed ? ' disabled aria-disabled="true"' : "") + ">" +
      '<span class="card-head"><span class="dept">' + esc(K.departmentName(s)) + "</span>" +
      (s.requires_id ? '<span class="badge">' + esc(_("real_name")) + "</span>" : "") +
      "</span>" +
      '<span class="name">' + esc(K.serviceName(s)) + "</span>" +
      (K.english() || !s.name_en ? "" : '<span class="name-en">' + esc(s.name_en) + "</span>") +
      (closed ? '<span class="reason">' + esc(closedReason(s)) + "</span>" :
        '<span class="stats"><b>' + esc(_("waiting", { n: s.waiting })) + "</b> · " +
        esc(K.waitText(s.estimated_wait_s)) + "</span>") +
      "</button>";
  }

  function departments() {
    var seen = [];
    state.services.forEach(function (s) {
      if (!seen.some(function (d) { return d.department === s.department; })) seen.push(s);
    });
    return seen;
  }

  function priorityEntry() {
    if (!K.config.allow_priority) return "";
    return '<button type="button" class="priority-entry" data-action="priority">' +
      '<span class="name">' + esc(_("priority_priority")) + "</span>" +
      '<span class="hint">' + esc(_("priority_priority_hint")) + "</span></button>";
  }

  function heading(title) {
    if (state.priority !== "priority") return '<h1 class="title">' + esc(title) + "</h1>";
    return '<h1 class="title priority-title">' + esc(_("priority_choose_service")) + "</h1>";
  }

  function departmentScreen(depts) {
    var priority = state.priority === "priority";
    return heading(_("choose_department")) + (priority ? "" : K.bookingEntry() + priorityEntry()) +
      '<div class="grid">' + depts.map(function (s) {
        return '<button type="button" class="service dept-tile" data-department="' +
          esc(s.department) + '"><span class="name">' + esc(K.departmentName(s)) +
          "</span></button>";
      }).join("") + "</div>" + (priority ? K.backButton(_("back")) : "");
  }

  function homeScreen() {
    if (!state.paired || !state.authorised) {
      return '<div class="message"><p class="big">' +
        esc(state.paired ? _("unauthorized") : _("unpaired")) + "</p></div>";
    }
    if (!state.services.length) return '<p class="loading">' + esc(_("loading")) + "</p>";
    var depts = departments();
    if (state.services.length >= DEPARTMENTS_FROM && depts.length > 1 && !state.department) {
      return departmentScreen(depts);
    }
    var shown = state.services.filter(function (s) {
      return !state.department || s.department === state.department;
    });
    var priority = state.priority === "priority";
    return heading(_("choose_service")) +
      (state.department || priority ? "" : K.bookingEntry() + priorityEntry() +
        (K.pickupEntry ? K.pickupEntry() : "")) +
      '<div class="grid' + (priority ? " priority" : "") + '">' + shown.map(serviceCard).join("") +
      "</div>" + (state.department || priority ? K.backButton(priority ? _("back") : null) : "");
  }

  K.screens.home = homeScreen;
})(window.HallqKioskParts);
