/* The managers' bad-review follow-up page: cases by status, call-back, outcome, close; the
   ledger (台账) and the GB/T 39046 evaluation export as CSV downloads. The staff token
   (hallq.token.staff) and hall are shared with the counter page of the same tab. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("counter-config").textContent);
  Hallq.setLanguage(config.lang);
  const T = Hallq.texts.table();
  const $ = Hallq.byId;
  const show = Hallq.show;
  const hallq = window.hallq = {cases: [], chosen: null};
  // The citizen's call-back phone: masked in every list; whole only on "show number" (logged).
  const PHONE_T = T.fu_phone;
  let session = null;
  if (Hallq.tokens.get("staff")) {
    const place = Hallq.staffPlace.get();
    session = {hall: place.hall || config.hall || (config.halls[0] || {}).code};
  }
  let status = "open";
  let outcome = null;
  let readOnly = false;

  Hallq.texts.apply();
  document.title = T.fu_title;

  function errorText(error) {
    const key = (T.fu_errors || {})[error.code] !== undefined ? "fu_errors." + error.code
      : T.errors[error.code] !== undefined ? "errors." + error.code : "errors.unknown";
    return Hallq.t(key, Object.assign({code: error.code, message: error.message},
                                      error.details || {}));
  }

  const client = Hallq.client("staff", {onUnauthenticated: (error) => logOut(errorText(error))});
  const request = client.request;
  const hallPath = (rest) => "/halls/" + encodeURIComponent(session.hall) + rest;

  // ---- login ------------------------------------------------------------------------------
  function showLogin(message) {
    const select = $("login-hall");
    select.textContent = "";
    for (const hall of config.halls) select.add(new Option(hall.name + " (" + hall.code + ")", hall.code));
    select.value = config.hall || (config.halls[0] || {}).code || "";
    select.parentElement.hidden = config.halls.length <= 1;
    show($("login-error"), message);
    $("login-view").hidden = false; $("cases-view").hidden = true; $("log-out").hidden = true;
  }
  function logOut(message) {
    session = null; Hallq.tokens.clear("staff");  // and the place
    showLogin(message);
  }
  $("log-out").addEventListener("click", () => logOut());
  Hallq.loginForm({form: $("login-form"), username: $("login-username"),
                   password: $("login-password"), error: $("login-error")}, (answer) => {
    Hallq.tokens.set("staff", null, answer.token);
    session = {hall: $("login-hall").value};
    Hallq.staffPlace.set({hall: session.hall, window: null});
    return start();
  }, errorText);

  async function start() {
    try {
      const me = await request("GET", hallPath("/me"));
      if (!["manager", "admin", "supervisor"].includes(me.role)) return logOut(T.fu_manager_only);
      readOnly = me.role === "supervisor";  // the server refuses their writes too (403)
      show($("read-only"), readOnly ? T.fu_read_only : "");
      $("who").textContent = me.name; $("where").textContent = me.hall_name;
    } catch (error) { return logOut(errorText(error)); }
    $("login-view").hidden = true; $("cases-view").hidden = false; $("log-out").hidden = false;
    load();
  }

  // ---- the list ---------------------------------------------------------------------------
  for (const tab of document.querySelectorAll("#tabs .tab")) {
    tab.addEventListener("click", () => {
      status = tab.dataset.status;
      for (const t of document.querySelectorAll("#tabs .tab")) t.classList.toggle("chosen", t === tab);
      load();
    });
  }
  const head = $("case-head");
  for (const title of T.fu_cols) { const th = document.createElement("th"); th.textContent = title; head.appendChild(th); }

  function deadlineText(c) {
    if (c.status !== "open") return c.deadline;
    if (c.overdue) return c.deadline + " · " + Hallq.t("fu_late", {n: -c.working_days_left || 1});
    return c.deadline + " · " + (c.working_days_left === 0 ? T.fu_due_today
                                 : Hallq.t("fu_days_left", {n: c.working_days_left}));
  }

  async function load() {
    show($("page-error"), "");
    try {
      hallq.cases = await request("GET", hallPath("/followups") + (status ? "?status=" + status : ""));
    } catch (error) { return show($("page-error"), errorText(error)); }
    const body = $("case-rows");
    body.textContent = "";
    for (const c of hallq.cases) {
      const row = body.insertRow();
      row.dataset.case = c.id;
      const cells = [c.case_number, c.opened_at.slice(0, 16).replace("T", " "), c.ticket,
                     c.service_name, c.window ? c.window : "", c.staff || "",
                     T.grades[c.grade], c.comment || "", deadlineText(c),
                     c.status === "open" ? T.fu_open : T.fu_closed];
      cells.forEach((text, index) => {
        const cell = row.insertCell(); cell.textContent = text;
        if (index === 6) cell.className = "bad";
        if (index === 7) cell.className = "comment";
        if (index === 8 && c.overdue) cell.className = "late";
      });
      row.addEventListener("click", () => choose(c.id));
    }
    $("case-empty").hidden = hallq.cases.length > 0;
    if (hallq.chosen && hallq.cases.some((c) => c.id === hallq.chosen)) choose(hallq.chosen);
    else { $("detail-body").hidden = true; $("detail-empty").hidden = false; }
  }

  // ---- one case ---------------------------------------------------------------------------
  const outcomes = $("d-outcomes");
  for (const key of Object.keys(T.fu_outcome)) {
    const button = document.createElement("button");
    button.type = "button"; button.className = "choice"; button.dataset.outcome = key;
    button.textContent = T.fu_outcome[key];
    button.addEventListener("click", () => {
      outcome = key;
      for (const b of outcomes.children) b.classList.toggle("chosen", b === button);
      $("d-fix-fields").hidden = key !== "fix_by_date";
    });
    outcomes.appendChild(button);
  }

  function fact(list, label, value) {
    const dt = document.createElement("dt"); dt.textContent = label;
    const dd = document.createElement("dd"); dd.textContent = value || "—";
    list.append(dt, dd);
  }

  function choose(id) {
    const c = hallq.cases.find((x) => x.id === id);
    if (!c) return;
    hallq.chosen = id;
    for (const row of $("case-rows").rows) row.classList.toggle("chosen", Number(row.dataset.case) === id);
    $("detail-empty").hidden = true; $("detail-body").hidden = false;
    $("d-title").textContent = c.case_number + " · " + T.grades[c.grade];
    const facts = $("d-facts"); facts.textContent = "";
    T.fu_cols.forEach((label, index) => {
      const values = [c.case_number, c.opened_at.replace("T", " ").slice(0, 19), c.ticket,
                      c.service_name + (c.department ? "（" + c.department + "）" : ""),
                      c.window, c.staff, T.grades[c.grade], c.comment, deadlineText(c),
                      c.status === "open" ? T.fu_open : T.fu_closed];
      if (index > 0) fact(facts, label, values[index]);
    });
    phoneFact(facts, c);
    const open = c.status === "open";
    show($("d-callback-done"), c.callback_at ? Hallq.t("fu_callback_done", {at: c.callback_at.replace("T", " ").slice(0, 16)}) : "");
    $("d-callback").value = c.callback_note || "";
    $("d-callback").disabled = !open || readOnly;
    $("d-save-callback").hidden = !open || readOnly;
    $("d-close-form").hidden = !open || readOnly;
    show($("d-closed"), open ? "" : Hallq.t("fu_closed_info", {
      outcome: T.fu_outcome[c.outcome], note: c.outcome_note,
      at: (c.closed_at || "").replace("T", " ").slice(0, 16)}) +
      (c.rectification ? " · " + c.rectification.measure + " · " + c.rectification.due_date : ""));
    show($("d-error"), ""); show($("d-notice"), "");
  }

  function phoneFact(list, c) {
    const dt = document.createElement("dt"); dt.textContent = PHONE_T.label;
    const dd = document.createElement("dd");
    const number = document.createElement("span");
    number.id = "d-phone"; number.textContent = c.phone || PHONE_T.none;
    dd.appendChild(number);
    if (c.phone && !readOnly) {  // the whole number is for the hall's managers (logged)
      const button = document.createElement("button");
      button.type = "button"; button.id = "d-show-phone"; button.className = "link";
      button.textContent = PHONE_T.show;
      button.addEventListener("click", async () => {
        try {
          const answer = await request("GET", hallPath("/followups/" + c.id + "/phone"));
          number.textContent = answer.phone; button.remove();
        } catch (error) { show($("d-error"), errorText(error)); }
      });
      dd.append(" ", button);
    }
    list.append(dt, dd);
  }

  $("d-save-callback").addEventListener("click", async () => {
    try {
      await request("POST", hallPath("/followups/" + hallq.chosen + "/callback"),
                    {note: $("d-callback").value});
      await load();
      show($("d-notice"), T.fu_saved);
    } catch (error) { show($("d-error"), errorText(error)); }
  });

  $("d-submit-close").addEventListener("click", async () => {
    if (!outcome) return show($("d-error"), T.fu_choose_outcome);
    const body = {outcome, note: $("d-note").value};
    if (outcome === "fix_by_date") {
      Object.assign(body, {fix_by: $("d-fix-by").value, measure: $("d-measure").value,
                           responsible: $("d-responsible").value});
    }
    try {
      await request("POST", hallPath("/followups/" + hallq.chosen + "/close"), body);
      await load();
      show($("d-notice"), T.fu_closed_ok);
    } catch (error) { show($("d-error"), errorText(error)); }
  });

  async function download(path, name) {
    try {
      const response = await client.download("GET", hallPath(path));
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url; link.download = name; document.body.appendChild(link); link.click();
      link.remove(); setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (error) { show($("page-error"), errorText(error)); }
  }
  $("export-ledger").addEventListener("click", () =>
    download("/followups/ledger?format=csv", "followup-ledger-" + session.hall + ".csv"));
  $("export-eval").addEventListener("click", () =>
    download("/evaluations/export?format=csv", "evaluations-" + session.hall + ".csv"));

  if (session) start(); else showLogin();
})();
