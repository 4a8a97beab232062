/* The counter's dialogs (modal, centred, sized for a 1366×768 counter PC): transfer (services
   other than the ticket's own; windows with who is signed in and what they serve, with a
   warning before sending a citizen to a window nobody staffs), pause with a reason, 选呼 (call
   a number), and "finish the ticket just called?" before a too-quick call-next. */
(function () {
  "use strict";
  const C = window.hallqCounter;
  const {T, $, config} = C;
  const DIALOGS = ["transfer-dialog", "pause-dialog", "select-dialog", "confirm-dialog",
                   "walkin-dialog", "case-dialog"];

  C.dialogOpen = function () { return DIALOGS.some((id) => $(id).open); };

  C.closeDialogs = function () {
    for (const id of DIALOGS) if ($(id).open) $(id).close();
  };

  function open(id, focus) {
    C.closeDialogs();
    $(id).showModal();
    // Focus a safe button (or the given field): Enter must never pick a target by accident.
    (focus || $(id).querySelector("[data-close]")).focus();
  }

  for (const id of DIALOGS) {
    for (const button of $(id).querySelectorAll("[data-close]")) {
      button.addEventListener("click", () => $(id).close());
    }
  }

  function choice(text, onChoose, className) {
    const button = Hallq.el("button", "choice" + (className ? " " + className : ""), text);
    button.type = "button";
    button.addEventListener("click", onChoose);
    return button;
  }

  // ---- transfer ---------------------------------------------------------------------------
  C.openTransfer = function () {
    const current = C.state && C.state.current;
    if (!current) return C.showError(T.errors.no_current_ticket);
    $("transfer-title").textContent = Hallq.t("transfer_title_n", {number: current.number});
    const services = $("transfer-services");
    services.textContent = "";
    for (const s of C.hallq.services || []) {
      if (s.code === current.service) continue;  // its own service: nothing to transfer to
      const name = config.lang === "en" && s.name_en ? s.name_en : s.name;
      services.appendChild(choice(s.code + " · " + name,
                                  () => C.act("transfer", {service: s.code})));
    }
    renderWindows();
    $("transfer-warning").hidden = true;
    $("transfer-choices").hidden = false;
    open("transfer-dialog");
  };

  function renderWindows() {
    const body = $("transfer-windows");
    body.textContent = "";
    for (const w of C.hallq.windows || []) {
      const row = body.insertRow();
      row.dataset.window = w.number;
      row.className = w.staff ? "" : "unstaffed";
      const pick = choice(w.name, () => pickWindow(w));
      row.insertCell().appendChild(pick);
      const staff = row.insertCell();
      staff.textContent = w.staff ? w.staff + (w.state === "paused" ? " · " + T.window_paused
                                                                      : "")
                                  : T.nobody_signed_in;
      staff.className = w.staff ? (w.state === "paused" ? "warn" : "") : "warn";
      row.insertCell().textContent = (w.services || []).map((code) => C.serviceName(code))
        .join("、");
    }
  }

  function pickWindow(w) {
    if (w.staff && w.state !== "paused") return C.act("transfer", {window: w.number});
    // Nobody works it (or it is paused): the citizen could wait for nobody. Ask first.
    $("transfer-warning-text").textContent = Hallq.t(
      w.staff ? "transfer_paused_warning" : "transfer_unstaffed_warning", {name: w.name});
    $("transfer-choices").hidden = true;
    $("transfer-warning").hidden = false;
    const go = $("transfer-anyway");
    go.onclick = () => C.act("transfer", {window: w.number});
    $("transfer-back").focus();
  }
  $("transfer-back").addEventListener("click", () => {
    $("transfer-warning").hidden = true;
    $("transfer-choices").hidden = false;
  });

  // ---- pause ------------------------------------------------------------------------------
  let pauseReason = null;
  C.openPause = function () {
    const list = $("pause-reasons");
    list.textContent = "";
    pauseReason = null;
    for (const reason of T.pause_reasons) {
      const button = choice(reason, () => {
        pauseReason = reason;
        for (const b of list.children) b.classList.toggle("chosen", b === button);
      });
      list.appendChild(button);
    }
    $("pause-other").value = "";
    open("pause-dialog");
  };
  $("pause-confirm").addEventListener("click", () => {
    const reason = $("pause-other").value.trim() || pauseReason;
    C.act("pause", reason ? {reason} : {});
  });

  // ---- 选呼 / 特呼 --------------------------------------------------------------------------
  C.openSelect = function () {
    const quick = $("select-quick");
    quick.textContent = "";
    for (const t of (C.state && C.state.upcoming) || []) {
      quick.appendChild(choice(t.number, () => { $("select-number").value = t.number; }));
    }
    C.show($("select-error"), "");
    $("select-number").value = "";
    $("select-will-finish").textContent = C.state && C.state.current
      ? Hallq.t("select_will_finish", {number: C.state.current.number}) : "";
    open("select-dialog", $("select-number"));
  };
  $("select-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const number = $("select-number").value.trim().toUpperCase();
    if (!number) return C.show($("select-error"), T.select_need_number);
    C.act("call-number", {number}, (error) => C.show($("select-error"), C.errorText(error)));
  });

  // ---- "finish the ticket just called?" -----------------------------------------------------
  C.confirmCallNext = function (current, seconds, onConfirm) {
    $("confirm-text").textContent = Hallq.t("just_called", {number: current.number,
                                                           s: Math.max(0, Math.round(seconds))});
    $("confirm-yes").onclick = () => { $("confirm-dialog").close(); onConfirm(); };
    open("confirm-dialog", $("confirm-no"));
  };
})();
