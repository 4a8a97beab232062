/* 代取号: the clerk takes a ticket for a walk-in, for halls with no kiosk (a village point, a
   town centre's one window). The services come from GET /halls/{hall}/services (open or not,
   quota left, whether the matter needs a real name); the ticket is an ordinary one issued with
   the staff token, so it joins the queue, the screens and the reports like a kiosk's. Instead
   of paper the dialog shows the number large and the tracking QR for the citizen's phone.
   The ID number is checked as it is typed (idnumber.js, the kiosk's own check) and sent once;
   it is never kept in the page. */
(function () {
  "use strict";
  const C = window.hallqCounter;
  const {$, config} = C;
  let services = [], chosen = null, issued = null, sending = false;

  Hallq.texts.add({
    zh: {walkin: {
      button: "代取号", title: "为现场群众代取号", hint: "请选择群众要办理的事项：",
      waiting: "{n} 人等候", closed: "不在办理时间", full: "今日号源已满",
      card_only: "须刷身份证（请到自助机）", id_label: "身份证号码（实名事项）",
      id_placeholder: "18 位身份证号码", id_needed: "该事项须实名，请输入群众的身份证号码。",
      id_partial: "身份证号码未输完。", id_bad: "身份证号码有误，请核对。", id_ok: "号码格式正确。",
      choose_first: "请先选择事项。", issue: "取号", close: "取消", done: "完成",
      call_now: "立即叫此号", ahead: "前面还有 {n} 人，预计等候约 {m} 分钟",
      nobody_ahead: "前面没有人等候", qr_caption: "请群众用手机扫码查看排队进度"}},
    en: {walkin: {
      button: "Walk-in", title: "A ticket for a walk-in citizen",
      hint: "Choose the citizen's service:", waiting: "{n} waiting", closed: "Not open now",
      full: "No tickets left today", card_only: "ID card only (use the kiosk)",
      id_label: "ID number (real-name service)", id_placeholder: "18-digit ID number",
      id_needed: "This service needs the citizen's ID number.",
      id_partial: "The ID number is not complete.", id_bad: "That ID number is not valid.",
      id_ok: "The number looks right.", choose_first: "Choose a service first.",
      issue: "Issue ticket", close: "Cancel", done: "Done", call_now: "Call this number now",
      ahead: "{n} ahead, about {m} min", nobody_ahead: "Nobody ahead",
      qr_caption: "The citizen scans this to follow the queue"}},
  });
  Hallq.texts.apply($("walkin-dialog"));
  $("btn-walk-in").querySelector("[data-t]").textContent = Hallq.t("walkin.button");

  function hallPath(rest) { return "/halls/" + encodeURIComponent(C.session.hall) + rest; }

  function serviceLabel(service) {
    return config.lang === "en" && service.name_en ? service.name_en : service.name;
  }

  // Why a service cannot be taken here (or null): closed, full, or card-only (no reader here).
  function refusal(service) {
    if (service.id_card_only) return Hallq.t("walkin.card_only");
    if (service.closed_reason === "quota" || service.quota_left === 0) {
      return Hallq.t("walkin.full");
    }
    if (service.open === false) return Hallq.t("walkin.closed");
    return null;
  }

  function renderServices() {
    const list = $("walkin-services");
    list.textContent = "";
    for (const service of services) {
      const why = refusal(service);
      const button = Hallq.el("button", "choice walkin-service-choice");
      button.type = "button";
      button.dataset.service = service.code;
      button.append(Hallq.el("b", null, service.code + " " + serviceLabel(service)),
                    Hallq.el("small", null, why || Hallq.t("walkin.waiting",
                                                          {n: service.waiting || 0})));
      button.disabled = !!why;
      button.setAttribute("aria-pressed", String(chosen === service));
      button.addEventListener("click", () => choose(service));
      list.appendChild(button);
    }
  }

  function choose(service) {
    chosen = service;
    renderServices();
    $("walkin-id-row").hidden = !service.requires_id;
    $("walkin-id").value = "";
    $("walkin-id-check").textContent = service.requires_id ? Hallq.t("walkin.id_needed") : "";
    C.show($("walkin-error"), "");
    if (service.requires_id) $("walkin-id").focus(); else $("walkin-submit").focus();
  }

  function idProblem() {
    if (!chosen || !chosen.requires_id) return null;
    const text = $("walkin-id").value.trim().toUpperCase();
    const verdict = window.HallqId.checkIdNumber(text);
    if (verdict === "ok") return null;
    return Hallq.t(verdict === "partial" ? "walkin.id_partial" : "walkin.id_bad");
  }

  $("walkin-id").addEventListener("input", () => {
    const input = $("walkin-id");
    input.value = input.value.replace(/[^0-9xX]/g, "").toUpperCase();
    const problem = idProblem();
    $("walkin-id-check").textContent = problem || Hallq.t("walkin.id_ok");
  });

  function showStep(done) {
    $("walkin-choose").hidden = done;
    $("walkin-done").hidden = !done;
    $("walkin-submit").hidden = done;
    // Calling it at once would end the ticket being served: then the clerk finishes first.
    $("walkin-call").hidden = !done || !!(C.state && C.state.current);
    $("walkin-cancel").textContent = Hallq.t(done ? "walkin.done" : "walkin.close");
  }

  C.openWalkIn = async function () {
    if (C.closeDialogs) C.closeDialogs();
    chosen = null; issued = null;
    showStep(false);
    $("walkin-id-row").hidden = true;
    $("walkin-id-check").textContent = "";
    C.show($("walkin-error"), "");
    $("walkin-dialog").showModal();
    $("walkin-cancel").focus();
    try {
      const answer = await C.api("GET", hallPath("/services"));
      services = Array.isArray(answer) ? answer : [];
    } catch (error) {
      services = [];
      C.show($("walkin-error"), C.errorText(error));
    }
    renderServices();
    const first = services.find((s) => !refusal(s));
    if (services.length === 1 && first) choose(first);
  };

  $("walkin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (sending || issued) return;
    if (!chosen) return C.show($("walkin-error"), Hallq.t("walkin.choose_first"));
    const problem = idProblem();
    if (problem) { $("walkin-id").focus(); return C.show($("walkin-error"), problem); }
    const body = {service: chosen.code};
    if (chosen.requires_id) body.id_number = $("walkin-id").value.trim().toUpperCase();
    sending = true;
    $("walkin-submit").disabled = true;
    try {
      issued = await C.api("POST", hallPath("/tickets"), body);
      $("walkin-id").value = "";  // the number is not kept in the page
      showIssued(issued);
    } catch (error) {
      C.show($("walkin-error"), C.errorText(error));
    } finally {
      sending = false;
      $("walkin-submit").disabled = false;
    }
  });

  function showIssued(ticket) {
    $("walkin-number").textContent = ticket.number;
    $("walkin-service").textContent = serviceLabel(chosen);
    $("walkin-ahead").textContent = ticket.waiting_ahead
      ? Hallq.t("walkin.ahead", {n: ticket.waiting_ahead,
                                 m: Hallq.waitMinutes(ticket.estimated_wait_s)})
      : Hallq.t("walkin.nobody_ahead");
    $("walkin-qr").src = "/track/" + encodeURIComponent(ticket.track_token) + "/qr.svg";
    C.show($("walkin-error"), "");
    showStep(true);
    $("walkin-call").focus();
  }

  // Call this very ticket at once: the usual case when the clerk is free and nobody waits.
  $("walkin-call").addEventListener("click", () => {
    if (!issued) return;
    $("walkin-dialog").close();
    C.act("call-number", {number: issued.number});
  });

  $("walkin-cancel").addEventListener("click", () => $("walkin-dialog").close());
})();
