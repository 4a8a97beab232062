/* The evaluator tablet at a window (评价器). Paired once with ?token= (kept in localStorage).
   Idle: the window, its state (未开放 / 暂停 / 等候叫号 / 办理中) and who serves there (name,
   staff number, photo). After 办结 the server pushes evaluation_request: the page asks for one
   of the five national grades and records the grade on the tap, so a citizen who taps 不满意
   and walks away still leaves the rating. A bad grade then offers reasons, text and a phone
   number for the call-back (回访), all optional, added to the same evaluation (PATCH). Rating
   is voluntary and never pre-filled: if nobody taps within the timeout the page returns to idle
   and sends nothing. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("evaluator-config").textContent);
  Hallq.setLanguage(config.lang);
  const T = Hallq.texts.table();
  const ZH = Hallq.texts.table("zh");  // stored reasons are in Chinese, whatever the page shows
  const $ = Hallq.byId;
  const GRADES = ["very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied"];
  const BAD = ["dissatisfied", "very_dissatisfied"];
  const hallq = window.hallq = {screen: null, requests: [], submitted: [], amended: [],
                                timeouts: 0};

  Hallq.texts.apply();

  // Paired once with ?token= (hallq.token.evaluator.<hall>.<window>, kept in localStorage).
  const token = Hallq.pairedToken("evaluator", config.hall + "." + config.window);
  const client = Hallq.client("evaluator", {token: token});

  let request = null;       // the ticket being rated
  let grade = null;
  let deadline = 0;         // when the current question gives up
  const handled = new Set();  // tickets asked already (a reconnect must not ask again)

  function screen(name) {
    for (const id of ["idle", "ask", "reasons", "thanks", "pair"]) $(id).hidden = id !== name;
    hallq.screen = name;
    $("ask-error").hidden = true;
    document.body.dataset.screen = name;
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

  // The window's state in the same words as every screen of the hall.
  function windowState(state) {
    const name = state.window_state || (state.staff ? "idle" : "closed");
    const node = $("window-state");
    node.className = "window-state " + name;
    node.textContent = T.eval_state[name];
    const note = T.eval_state_note[name];
    $("state-note").textContent = note;
    $("state-note").hidden = !note || (name === "closed" && !state.staff);
    document.body.dataset.windowState = name;
  }

  function idle(state) {
    if (state) {
      const staff = state.staff;
      $("staff-card").hidden = !staff;
      $("nobody").hidden = !!staff;
      if (staff) staffCard(staff);
      windowState(state);
    }
    request = null; grade = null; deadline = 0;
    forget();
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
    $("ask-ticket").textContent = Hallq.t("eval_ticket", {number: req.number, service}) +
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

  // The tap records the grade at once; a bad grade then offers the optional extras.
  async function choose(name) {
    if (!request || sending) return;
    grade = name;
    const status = await post(request, name);
    if (status === null) return failed();
    if (status === 409 || !BAD.includes(name)) {
      return thanks(status === 409 ? T.eval_already : T.eval_thanks,
                    BAD.includes(name) ? T.eval_bad_thanks_sub : T.eval_thanks_sub);
    }
    $("reasons-grade").textContent = T.grades[name];
    for (const b of reasonList.children) { b.classList.remove("chosen"); b.setAttribute("aria-pressed", "false"); }
    $("comment").value = ""; $("phone").value = "";
    $("reasons-error").hidden = true;
    restartTimer();
    screen("reasons");
    tick();
  }

  let sending = false;
  async function send(method, ticket, body) {
    sending = true;
    try {
      const response = await client.respond("/tickets/" + ticket + "/evaluation", {
        method: method, body: JSON.stringify(body)});
      return response.status;
    } catch (e) {
      return null;
    } finally {
      sending = false;
    }
  }

  async function post(req, name) {
    deadline = 0;
    const status = await send("POST", req.ticket, {grade: name});
    if (status === 201) hallq.submitted.push({ticket: req.ticket, grade: name});
    return status === 201 || status === 409 ? status : null;
  }

  function extras(withPhone) {
    const reasons = [...reasonList.querySelectorAll(".chosen")].map((b) => ZH.eval_reasons[b.dataset.reason]);
    const text = $("comment").value.trim();
    const comment = (reasons.length ? "【" + reasons.join("、") + "】" : "") + text;
    const body = {};
    if (comment) body.comment = comment;
    const phone = $("phone").value.replace(/[\s-]/g, "");
    if (withPhone && phone) body.phone = phone;
    return body;
  }

  // What the citizen added to the recorded grade: reasons, text, the call-back phone.
  async function amend(body) {
    const req = request;
    if (!Object.keys(body).length) return true;
    const status = await send("PATCH", req.ticket, body);
    if (status === 200) hallq.amended.push(Object.assign({ticket: req.ticket}, body));
    return status === 200;
  }

  $("reasons-skip").addEventListener("click", () => thanks(T.eval_thanks, T.eval_bad_thanks_sub));
  $("reasons-submit").addEventListener("click", async () => {
    if (sending) return;
    const phone = $("phone").value.replace(/[\s-]/g, "");
    if (phone && !/^1[3-9]\d{9}$/.test(phone)) {
      $("reasons-error").textContent = T.eval_phone_invalid; $("reasons-error").hidden = false;
      restartTimer();
      return;
    }
    deadline = 0;
    if (!(await amend(extras(true)))) return failed();
    thanks(T.eval_thanks, T.eval_bad_thanks_sub);
  });
  $("phone").addEventListener("input", restartTimer);

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
    forget();
    thanksUntil = Date.now() + config.thanks_s * 1000;
    screen("thanks");
  }

  // What one citizen typed never waits on the tablet for the next one.
  function forget() { $("comment").value = ""; $("phone").value = ""; }

  function tick() {
    const now = Date.now();
    if (deadline && (hallq.screen === "ask" || hallq.screen === "reasons")) {
      const left = Math.ceil((deadline - now) / 1000);
      if (left <= 0) {
        hallq.timeouts += 1;
        // Asked and not answered: nothing is recorded. Reasons chosen after a recorded bad
        // grade are kept (the phone only on an explicit 提交).
        if (hallq.screen === "reasons") amend(extras(false));
        return idle(lastState);
      }
      const text = Hallq.t("eval_countdown", {s: left});
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
