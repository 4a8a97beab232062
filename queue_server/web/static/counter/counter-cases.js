/* 办件登记: after "finish" the clerk records what became of each matter of the ticket in two or
   three taps (or keys): the matter (preselected from the ticket's service), the outcome (keys
   1–7: 即办件, 承诺件, 联办件, 代办件, 上报件, 补正, 不予受理), Enter. 承诺件 may move the promised
   day within the statutory limit (the server checks it); 联办件 name the lead and
   co-departments; 补正 shows the matter's 一次性告知 materials; 不予受理 asks for the reason.
   K records another matter of the same ticket (a ticket may open several cases). */
(function () {
  "use strict";
  const C = window.hallqCounter;
  const {T, $, hallq} = C;
  const OUTCOMES = ["immediate", "promised", "joint", "proxy", "reported", "correction",
                    "refused"];
  const EXTRA = {promised: "case-promised", joint: "case-joint", correction: "case-correction",
                 refused: "case-refused"};
  let ticket = null;     // {id, number, service} of the ticket the cases belong to
  let matters = null;    // the hall's catalogue: [{matter, service}] (loaded once)
  let outcome = null;
  hallq.cases = [];      // cases recorded from this page (for tests and people)

  async function loadMatters() {
    if (matters) return matters;
    const answer = await C.api("GET", "/halls/" + encodeURIComponent(C.session.hall) +
                               "/matters");
    matters = [];
    for (const s of answer.services) for (const m of s.matters) matters.push({m, service: s.code});
    for (const m of answer.other_matters) matters.push({m, service: null});
    return matters;
  }

  function chosenMatter() {
    const found = (matters || [])[Number($("case-matter").value)];
    return found ? found.m : null;
  }

  function fillMatters() {
    const select = $("case-matter");
    select.textContent = "";
    let preferred = -1;
    matters.forEach((item, i) => {
      const option = Hallq.el("option", null, item.m.code + " · " + item.m.name);
      option.value = String(i);
      select.appendChild(option);
      if (preferred < 0 && item.service === ticket.service) preferred = i;
    });
    select.value = String(Math.max(preferred, 0));
  }

  function renderOutcomes() {
    const list = $("case-outcomes");
    list.textContent = "";
    OUTCOMES.forEach((kind, i) => {
      const button = Hallq.el("button", "choice");
      button.type = "button";
      button.dataset.outcome = kind;
      button.append(Hallq.el("kbd", null, String(i + 1)), T.case_kinds[kind],
                    Hallq.el("small", null, T.case_kind_hints[kind]));
      button.addEventListener("click", () => choose(kind));
      list.appendChild(button);
    });
  }

  function choose(kind) {
    outcome = kind;
    for (const b of $("case-outcomes").children) {
      b.classList.toggle("chosen", b.dataset.outcome === kind);
    }
    for (const [k, id] of Object.entries(EXTRA)) $(id).hidden = k !== kind;
    const matter = chosenMatter();
    if (kind === "promised") showPromised(matter);
    if (kind === "joint") { $("case-lead").value = matter ? matter.department : ""; }
    if (kind === "correction") showMaterials(matter);
    C.show($("case-error"), "");
    const field = {joint: "case-co", refused: "case-reason"}[kind];
    (field ? $(field) : $("case-submit")).focus();
  }

  function showPromised(matter) {
    $("case-promised-on").value = "";
    $("case-promised-hint").textContent = matter && matter.promised_days !== null
      ? Hallq.t("case_promised_default", {n: matter.promised_days,
                                          s: matter.statutory_days === null ? "—"
                                            : matter.statutory_days})
      : T.case_no_limit;
  }

  function showMaterials(matter) {
    const list = $("case-materials");
    list.textContent = "";
    const items = matter ? matter.materials : [];
    if (!items.length) list.appendChild(Hallq.el("li", "muted", T.case_no_materials));
    for (const name of items) {
      const label = Hallq.el("label");
      const box = Hallq.el("input");
      box.type = "checkbox"; box.checked = true; box.value = name;
      label.append(box, " " + name);
      const item = Hallq.el("li");
      item.appendChild(label);
      list.appendChild(item);
    }
  }

  C.openCase = async function (finished) {
    if (finished) ticket = {id: finished.id, number: finished.number, service: finished.service};
    if (!ticket || !C.session) return;
    $("btn-case").hidden = false;
    try {
      await loadMatters();
    } catch (error) {
      return C.showError(C.errorText(error));
    }
    if (!matters.length) return C.showInfo(T.case_need_matter);
    C.closeDialogs();
    $("case-title").textContent = Hallq.t("case_title", {number: ticket.number});
    fillMatters();
    renderOutcomes();
    outcome = null;
    for (const id of Object.values(EXTRA)) $(id).hidden = true;
    for (const id of ["case-co", "case-reason"]) $(id).value = "";
    C.show($("case-error"), "");
    $("case-dialog").showModal();
    $("case-outcomes").focus();
  };
  C.onFinished = C.openCase;

  function body() {
    const matter = chosenMatter();
    const out = {ticket: ticket.id, matter: matter.code};
    if (outcome === "correction" || outcome === "refused") {
      out.outcome = outcome;
      if (outcome === "refused") out.reason = $("case-reason").value.trim();
      else out.materials = [...$("case-materials").querySelectorAll("input:checked")]
        .map((box) => box.value);
      return out;
    }
    out.kind = outcome;
    if (outcome === "promised" && $("case-promised-on").value) {
      out.promised_on = $("case-promised-on").value;
    }
    if (outcome === "joint") {
      out.lead_department = $("case-lead").value.trim();
      out.co_departments = $("case-co").value.split(/[、,，;；]/).map((d) => d.trim())
        .filter(Boolean);
    }
    return out;
  }

  async function submit(event) {
    event.preventDefault();
    if (!outcome) return C.show($("case-error"), T.case_need_outcome);
    if (hallq.acting) return;
    hallq.acting = true;
    try {
      const saved = await C.api("POST", C.windowPath("/cases"), body());
      hallq.cases.push(saved);
      $("case-dialog").close();
      if (saved.state === "correction" && C.openCorrectionNotice) C.openCorrectionNotice(saved);
      C.showNotice(Hallq.t("case_saved", {kind: T.case_kinds[saved.state] ||
                                           T.case_kinds[saved.kind], number: saved.number})
                   + " " + T.case_again);
    } catch (error) {
      const own = T.errors_case[error.code];
      C.show($("case-error"), own ? Hallq.t("errors_case." + error.code, {message: error.message})
                                  : C.errorText(error));
    } finally {
      hallq.acting = false;
    }
  }
  $("case-form").addEventListener("submit", submit);
  $("btn-case").addEventListener("click", () => C.openCase());

  $("case-dialog").addEventListener("keydown", (event) => {
    const tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || event.ctrlKey || event.altKey) return;
    const index = "1234567".indexOf(event.key);
    if (index >= 0 && event.key.length === 1) {
      event.preventDefault();
      choose(OUTCOMES[index]);
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key.toLowerCase() !== "k" || $("work-view").hidden || C.dialogOpen()) return;
    const tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.ctrlKey ||
        event.altKey || event.metaKey || event.repeat || !ticket) return;
    event.preventDefault();
    C.openCase();
  });

  const shortcut = Hallq.el("li");
  shortcut.append(Hallq.el("kbd", null, "K"), " " + T.case_shortcut);
  $("shortcut-list").appendChild(shortcut);
})();
