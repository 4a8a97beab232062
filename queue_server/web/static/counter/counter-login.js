/* The counter page's way in: log in, sign in at a window (at once when the clerk has exactly
   one window), sign out, log out. Loaded last: it starts the page. */
(function () {
  "use strict";
  const C = window.hallqCounter;
  const {T, $, hallq, config} = C;

  function view(name) {
    for (const id of ["login-view", "windows-view", "work-view"]) $(id).hidden = id !== name;
    $("log-out").hidden = name === "login-view";
    $("sign-out").hidden = name !== "work-view";
  }
  C.view = view;

  function showLogin(message) {
    const select = $("login-hall");
    select.textContent = "";
    for (const hall of config.halls) select.add(new Option(hall.name + " (" + hall.code + ")",
                                                           hall.code));
    select.value = config.hall || (C.session && C.session.hall) || (config.halls[0] || {}).code
      || "";
    select.parentElement.hidden = config.halls.length <= 1;
    C.show($("login-error"), message);
    $("who").textContent = ""; $("where").textContent = "";
    view("login-view");
    $("login-username").focus();
  }

  C.logOut = function (message) {
    C.disconnect();
    C.forget();
    showLogin(message);
  };

  Hallq.loginForm({form: $("login-form"), username: $("login-username"),
                   password: $("login-password"), error: $("login-error")}, (answer) => {
    C.session = {token: answer.token, hall: $("login-hall").value, window: null};
    C.save();
    return start();
  }, C.errorText);

  $("log-out").addEventListener("click", async () => {
    if (C.session && C.session.window) {
      try { await C.api("POST", C.windowPath("/sign-out")); } catch (e) { /* logging out */ }
    }
    C.logOut();
  });

  $("sign-out").addEventListener("click", async () => {
    try { await C.api("POST", C.windowPath("/sign-out")); } catch (error) { /* shown below */ }
    C.disconnect();
    C.session.window = null; C.save();
    C.session.chose = true;  // signed out on purpose: offer the choice, even of one window
    start();
  });

  async function start() {
    let me;
    try {
      me = await C.api("GET", "/halls/" + encodeURIComponent(C.session.hall) + "/me");
    } catch (error) {
      if (C.session) C.logOut(C.errorText(error));
      return;
    }
    // A supervisor watches halls but works no window: say where their pages are.
    if (me.role === "supervisor") return C.logOut(T.supervisor_no_counter);
    hallq.me = me;
    C.timeZone = me.timezone || C.timeZone;
    $("who").textContent = me.name === me.user ? me.name
      : Hallq.t("signed_in_as", {name: me.name, user: me.user});
    $("where").textContent = me.hall_name;
    C.renderFigures(me.figures);
    if (me.session && me.session.window) {
      C.session.window = me.session.window; C.save();
      return C.work();
    }
    chooseWindow(me);
    // A clerk with exactly one window is signed in to it without picking.
    if (me.windows.length === 1 && !C.session.chose) signIn(me.windows[0].number);
  }
  C.start = start;

  function chooseWindow(me, message) {
    const list = $("window-list");
    list.textContent = "";
    for (const w of me.windows) {
      const button = Hallq.el("button", "window-choice", w.name);
      button.type = "button";
      button.dataset.window = w.number;
      button.addEventListener("click", () => signIn(w.number));
      list.appendChild(button);
    }
    $("take-over-row").hidden = !(me.role === "manager" || me.role === "admin");
    C.show($("windows-error"), message || "");
    view("windows-view");
  }
  C.chooseWindow = chooseWindow;

  async function signIn(number) {
    try {
      C.session.window = number;
      await C.api("POST", C.windowPath("/sign-in"), {take_over: $("take-over").checked});
      C.session.chose = false;
      C.save();
      C.work();
    } catch (error) {
      C.session.window = null;
      C.show($("windows-error"), C.errorText(error));
    }
  }

  if (C.session && C.session.token) start(); else showLogin();
})();
