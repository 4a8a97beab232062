/* The clerk's actions by button and keyboard, made safe:
   - one action at a time (a press while one is under way is dropped);
   - call-next always names the ticket the page shows ({"finish": id | null}), so the server
     refuses (409 current_ticket_changed) when the window has moved on, and a call-next within
     JUST_CALLED_S of the call asks first instead of ending a citizen's turn at once;
   - 过号 shows an undo bar (撤销, key U) for the hall's undo time. */
(function () {
  "use strict";
  const C = window.hallqCounter;
  const {T, $, hallq} = C;
  const JUST_CALLED_S = 5;
  let busy = false;
  let undo = null;  // {ticket, number, until (Date.now() ms)} while 过号 can be undone

  const DONE = {"call-next": "called", "call-number": "called", "finish": "finished",
                "transfer": "transferred", "pause": "paused_ok", "resume": "resumed_ok",
                "hold": "held_ok", "unhold": "called", "undo-no-show": "undone"};

  C.act = async function (action, body, onError) {
    if (busy || !C.session || !C.session.window) return;
    busy = hallq.acting = true;
    hallq.sent.push(action);
    try {
      const answer = await C.api("POST", C.windowPath("/" + action), body);
      const ticket = answer.ticket || {};
      if (action === "no-show") noShown(answer);
      else C.showNotice(DONE[action] ? Hallq.t(DONE[action], {number: ticket.number}) : "");
      if (["call-next", "call-number", "unhold", "undo-no-show"].includes(action)) endUndo();
      C.closeDialogs();
      await C.refresh();
      C.refreshFigures();
      if (action === "finish" && C.onFinished) C.onFinished(ticket);  // 办件登记 (cases)
    } catch (error) {
      failed(action, error, onError);
    } finally {
      busy = hallq.acting = false;
    }
  };

  function failed(action, error, onError) {
    if (error.code === "queue_empty") {
      C.closeDialogs();
      C.showInfo(T.errors.queue_empty);  // nobody waiting is a calm state, not an error
      return C.refresh();
    }
    if (error.code === "current_ticket_changed" || error.code === "window_busy") {
      C.closeDialogs();
      C.showError(C.errorText(error));
      return C.refresh();  // show what is true now; nothing was changed
    }
    if (error.code === "undo_expired") endUndo();
    if (onError) return onError(error);
    C.closeDialogs();
    C.showError(C.errorText(error));
  }

  function callNext() {
    if (busy) return;
    const current = C.state && C.state.current;
    const body = {finish: current ? current.id : null};
    const calledFor = current ? current.serving_s + (Date.now() - C.stateAt) / 1000 : null;
    if (current && calledFor < JUST_CALLED_S) {
      return C.confirmCallNext(current, calledFor, () => C.act("call-next", body));
    }
    return C.act("call-next", body);
  }

  function hold() {
    const current = C.state && C.state.current;
    if (!current) return C.showError(T.errors.no_current_ticket);
    return C.act("hold", {ticket: current.id});
  }

  // ---- 过号 and its undo --------------------------------------------------------------------
  function noShown(answer) {
    const ticket = answer.ticket;
    // The undo bar says what happened; a notice only when there is no undo.
    C.showNotice(answer.undo_s ? "" : answer.requeued
      ? Hallq.t("requeued_ok", {number: ticket.number, n: ticket.requeued_count})
      : Hallq.t("no_showed", {number: ticket.number}));
    if (!answer.undo_s) return endUndo();
    showUndo({ticket: ticket.id, number: ticket.number, requeued: answer.requeued,
              requeued_count: ticket.requeued_count, left_s: answer.undo_s});
  }

  function showUndo(offer) {
    undo = {ticket: offer.ticket, number: offer.number, until: Date.now() + offer.left_s * 1000};
    $("undo-text").textContent = offer.requeued
      ? Hallq.t("requeued_ok", {number: offer.number, n: offer.requeued_count})
      : Hallq.t("undo_text", {number: offer.number});
    $("undo-bar").hidden = false;
    C.tickUndo();
  }

  // The server's word on what can be undone (after a reload, or a 过号 made on the keypad).
  C.syncUndo = function (state) {
    const offer = state.undo;
    if (!offer || state.current || state.state === "paused") return endUndo();
    if (!undo || undo.ticket !== offer.ticket) showUndo(offer);
  };

  function endUndo() { undo = null; $("undo-bar").hidden = true; }

  C.tickUndo = function () {
    if (!undo) return;
    const left = Math.ceil((undo.until - Date.now()) / 1000);
    if (left <= 0) return endUndo();
    $("undo-left").textContent = Hallq.t("undo_left", {s: left});
  };

  function undoNoShow() {
    if (!undo) return;
    C.act("undo-no-show", {ticket: undo.ticket});
  }
  $("undo-button").addEventListener("click", undoNoShow);

  // ---- buttons and keys ---------------------------------------------------------------------
  function press(action) {
    if (action === "call-next") return callNext();
    if (action === "transfer") return C.openTransfer();
    if (action === "pause") return C.openPause();
    if (action === "call-number") return C.openSelect();
    if (action === "hold") return hold();
    if (action === "walk-in") return C.openWalkIn();
    return C.act(action);
  }

  for (const button of document.querySelectorAll("#actions [data-action]")) {
    button.addEventListener("click", () => press(button.dataset.action));
  }

  const KEYS = {n: "call-next", r: "recall", f: "finish", s: "no-show", t: "transfer",
                h: "hold", c: "call-number", i: "walk-in"};
  const shortcuts = $("shortcut-list");
  for (const [key, label] of T.shortcut_list) {
    const item = Hallq.el("li");
    item.append(Hallq.el("kbd", null, key), " " + label);
    shortcuts.appendChild(item);
  }
  document.addEventListener("keydown", (event) => {
    if ($("work-view").hidden || event.ctrlKey || event.altKey || event.metaKey) return;
    if (C.dialogOpen()) return;  // a dialog has the keyboard (Esc closes it)
    const tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    if (event.repeat) return event.preventDefault();  // a held-down key is one press
    const key = event.key.toLowerCase();
    if (key === "p") {
      event.preventDefault();
      return C.state && C.state.state === "paused" ? C.act("resume") : C.openPause();
    }
    if (key === "u") { event.preventDefault(); return undoNoShow(); }
    if (KEYS[key]) { event.preventDefault(); press(KEYS[key]); }
  });
})();
