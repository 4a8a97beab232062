/* The evaluator tablet at a window (评价器). Paired once with ?token= (kept in localStorage).
   Idle: the window and who serves there (name, staff number, photo). After 办结 the server pushes evaluation_request: the
   page asks for one of the five national grades; a bad grade offers reasons and text. Rating is
   voluntary and never pre-filled: if nobody answers within the timeout the page returns to idle
   and sends nothing. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("evaluator-config").textContent);
  const T = window.HALLQ_COUNTER_TEXTS[config.lang === "en" ? "en" : "zh"];
  const ZH = window.HALLQ_COUNTER_TEXTS.zh;  // stored reasons are in Chinese, whatever the page shows
  const fill = window.hallqText;
  const $ = (id) => document.getElementById(id);
  const GRADES = ["very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied"];
  const BAD = ["dissatisfied", "very_dissatisfied"];
  const KEY = "hallq.evaluator." + config.hall + "." + config.window;
  const hallq = window.hallq = {screen: null, requests: [], submitted: [], timeouts: 0};

  for (const node of document.querySelectorAll("[data-t]")) node.textContent = T[node.dataset.t];

  const params = new URLSearchParams(location.search);
  if (params.get("token")) {
    localStorage.setItem(KEY, params.get("token"));
    params.delete("token");
    const query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }
  const token = localStorage.getItem(KEY);

  let request = null;       // the ticket being rated
  let grade = null;
  let deadline = 0;         // when the current question gives up
  const handled = new Set();  // tickets asked already (a reconnect must not ask again)

  function screen(name) {
    for (const id of ["idle", "ask", "reasons", "thanks", "pair"]) $(id).hidden = id !== name;
    hallq.screen = name;
    $("ask-error").hidden = true;
  }

  // The staff card (亮证上岗): name, staff number (工号) when set, photo when set; without a
  // photo (or if it fails to load) the name's first character in a circle.
  function staffCard(staff) {
    $("staff-name").textContent = staff.name;
    $("staff-no").textContent = staff.staff_no || "";
    $("staff-no-line").hidden = !staff.staff_no;
    $("staff-initial").textContent = Array.from(staff.name || "?")[0].toUpperCase();
    const photo = $("staff-photo");
    if (!staff.photo_url) {
      photo.hidden = true; photo.removeAttribute("src"); $("staff-initial").hidden = false;
      return;
    }
    if (photo.getAttribute("src") !== staff.photo_url) {
      photo.hidden = true; $("staff-initial").hidden = false;
      photo.onload = () => { photo.hidden = false; $("staff-initial").hidden = true; };
      photo.onerror = () => { photo.hidden = true; $("staff-initial").hidden = false; };
      photo.alt = staff.name;
      photo.src = staff.photo_url;
    }
  }

  function idle(state) {
    if (state) {
      const staff = state.staff;
      $("staff-card").hidden = !staff;
      $("nobody").hidden = !!staff;
      if (staff) staffCard(staff);
    }
    request = null; grade = null; deadline = 0;
    screen("idle");
  }
  let lastState = null;

  function restartTimer() { deadline = Date.now() + config.timeout_s * 1000; }

  function ask(req) {
    if (handled.has(req.ticket)) return;
    handled.add(req.ticket);
    hallq.requests.push(req);
    request = req; grade = null;
    const service = config.lang === "en" && req.service_name_en ? req.service_name_en
                                                                 : req.service_name;
    $("ask-ticket").textContent = fill(T.eval_ticket, {number: req.number, service}) +
      (req.staff_name ? " · " + T.eval_staff + " " + req.staff_name : "");
    restartTimer();
    screen("ask");
    tick();
  }

  // Faces drawn, not emoji: a hall tablet may have no colour emoji font.
  function faceSvg(index) {
    const curve = [26, 14, 0, -14, -24][index];
    const y = [60, 63, 68, 74, 76][index];
    return '<svg viewBox="0 0 100 100" width="100" height="100" aria-hidden="true">' +
      '<circle cx="50" cy="50" r="44" fill="none" stroke="#fff" stroke-width="6"/>' +
      '<circle cx="35" cy="40" r="6" fill="#fff"/><circle cx="65" cy="40" r="6" fill="#fff"/>' +
      '<path d="M28 ' + y + ' Q50 ' + (y + curve) + ' 72 ' + y + '" fill="none" stroke="#fff"' +
      ' stroke-width="6" stroke-linecap="round"/></svg>';
  }

  const gradeList = $("grades");
  GRADES.forEach((name, index) => {
    const button = document.createElement("button");
    button.type = "button"; button.className = "grade grade-" + (index + 1);
    button.dataset.grade = name;
    const face = document.createElement("span");
    face.className = "face"; face.innerHTML = faceSvg(index);
    const label = document.createElement("span");
    label.className = "label"; label.textContent = T.grades[name];
    button.append(face, label);
    button.addEventListener("click", () => choose(name));
    gradeList.appendChild(button);
  });

  const reasonList = $("reason-list");
  for (const key of Object.keys(T.eval_reasons)) {
    const button = document.createElement("button");
    button.type = "button"; button.className = "reason"; button.dataset.reason = key;
    button.textContent = T.eval_reasons[key];
    button.addEventListener("click", () => {
      button.classList.toggle("chosen");
      button.setAttribute("aria-pressed", button.classList.contains("chosen"));
      restartTimer();
    });
    reasonList.appendChild(button);
  }
  $("comment").addEventListener("input", restartTimer);

  function choose(name) {
    if (!request) return;
    grade = name;
    if (!BAD.includes(name)) return submit(name, null);
    $("reasons-grade").textContent = T.grades[name];
    for (const b of reasonList.children) { b.classList.remove("chosen"); b.setAttribute("aria-pressed", "false"); }
    $("comment").value = "";
    $("reasons-error").hidden = true;
    restartTimer();
    screen("reasons");
    tick();
  }
  $("reasons-back").addEventListener("click", () => { grade = null; restartTimer(); screen("ask"); tick(); });
  $("reasons-submit").addEventListener("click", () => {
    const reasons = [...reasonList.querySelectorAll(".chosen")].map((b) => ZH.eval_reasons[b.dataset.reason]);
    const text = $("comment").value.trim();
    const comment = (reasons.length ? "【" + reasons.join("、") + "】" : "") + text;
    submit(grade, comment || null);
  });

  async function submit(name, comment) {
    const req = request;
    deadline = 0;
    const body = {grade: name};
    if (comment) body.comment = comment;
    let response;
    try {
      response = await fetch("/api/v1/tickets/" + req.ticket + "/evaluation", {
        method: "POST", body: JSON.stringify(body),
        headers: {"Content-Type": "application/json", Authorization: "Bearer " + token}});
    } catch (e) {
      return failed();
    }
    if (response.status === 201) { hallq.submitted.push(Object.assign({ticket: req.ticket}, body)); }
    else if (response.status !== 409) return failed();
    thanks(response.status === 409 ? T.eval_already : T.eval_thanks,
           BAD.includes(name) ? T.eval_bad_thanks_sub : T.eval_thanks_sub);
  }

  function failed() {
    const node = hallq.screen === "reasons" ? $("reasons-error") : $("ask-error");
    node.textContent = T.eval_error; node.hidden = false;
    restartTimer();
  }

  let thanksUntil = 0;
  function thanks(title, sub) {
    $("thanks-title").textContent = title;
    $("thanks-sub").textContent = sub;
    request = null;
    thanksUntil = Date.now() + config.thanks_s * 1000;
    screen("thanks");
  }

  function tick() {
    const now = Date.now();
    if (deadline && (hallq.screen === "ask" || hallq.screen === "reasons")) {
      const left = Math.ceil((deadline - now) / 1000);
      if (left <= 0) { hallq.timeouts += 1; return idle(lastState); }  // nothing is recorded
      const text = fill(T.eval_countdown, {s: left});
      $("ask-countdown").textContent = text; $("reasons-countdown").textContent = text;
    }
    if (hallq.screen === "thanks" && now >= thanksUntil) idle(lastState);
  }
  setInterval(tick, 250);

  if (!token) {
    $("pair-message").textContent = T.eval_pair;
    screen("pair");
    return;
  }
  const socket = io("/evaluator", {auth: {token: token, hall: config.hall, window: config.window}});
  hallq.socket = socket;
  // "Still here" every minute: the supervisor raises device_silent when a tablet goes dark.
  setInterval(() => { if (socket.connected) socket.emit("heartbeat", {}); }, 60 * 1000);
  socket.on("connect", () => { hallq.connected = true; });
  socket.on("disconnect", () => { hallq.connected = false; });
  socket.on("connect_error", (error) => {
    const data = error && error.data;
    if (data && data.code) {
      $("pair-message").textContent = data.code === "unauthenticated" ? T.eval_pair : data.message;
      screen("pair");
    }
  });
  socket.on("evaluator_state", (state) => {
    lastState = state;
    if (hallq.screen === null || hallq.screen === "idle" || hallq.screen === "pair") idle(state);
    if (state.pending) ask(state.pending);
  });
  socket.on("evaluation_request", (req) => ask(req));
})();
