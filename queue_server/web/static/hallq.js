/* The plumbing every HallQ page shares, loaded before the page's own scripts as a same-origin
   file (the Content-Security-Policy allows no inline script): texts, the API client with its
   token storage, the login form, element helpers and the few rules a page shares with the
   server (wait minutes). One copy, so that the counter, the dashboard, the kiosk and the screens
   cannot drift apart. Exposed as window.Hallq. */
(function () {
  "use strict";

  // ---- texts: one catalog per language, Chinese first ---------------------------------------
  // Pages add their phrases with Hallq.texts.add({zh: {...}, en: {...}}) (the kiosk's gettext
  // catalogs come as {zh_CN: ..., en: ...}); a lookup falls back to Chinese, then to the id.
  const catalogs = {zh: {}, en: {}};
  let language = "zh";

  function languageOf(code) { return /^en/i.test(String(code || "")) ? "en" : "zh"; }

  function addTexts(byLanguage) {
    for (const code of Object.keys(byLanguage)) {
      Object.assign(catalogs[languageOf(code)], byLanguage[code]);
    }
  }

  // "errors.busy" reaches into a nested table; a key with a dot of its own is tried first.
  function find(table, key) {
    if (Object.prototype.hasOwnProperty.call(table, key)) return table[key];
    let node = table;
    for (const part of String(key).split(".")) {
      if (node === null || typeof node !== "object" || !(part in node)) return undefined;
      node = node[part];
    }
    return node;
  }

  function lookup(key, lang) {
    const found = find(catalogs[lang ? languageOf(lang) : language], key);
    return found !== undefined ? found : find(catalogs.zh, key);
  }

  // {name} placeholders; a missing or null value leaves nothing rather than "undefined".
  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (_, name) {
      const value = values ? values[name] : undefined;
      return value === undefined || value === null ? "" : String(value);
    });
  }

  /** The phrase `key` in language `lang` (the page's when null) with its placeholders filled;
      lists and tables (e.g. the pause reasons) come back as they are; an unknown id comes back
      as itself. */
  function translate(lang, key, values) {
    const found = lookup(key, lang);
    if (found === undefined) return key;
    if (typeof found !== "string" || values === undefined) return found;
    return fill(found, values);
  }

  function t(key, values) { return translate(null, key, values); }

  function esc(text) {
    const plain = text === undefined || text === null ? "" : String(text);
    return plain.replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  /** The language's whole table (Chinese underneath for what it lacks), for pages that read
      many fixed phrases at once. */
  function table(lang) {
    const code = lang ? languageOf(lang) : language;
    return code === "zh" ? catalogs.zh : Object.assign(Object.create(catalogs.zh), catalogs.en);
  }

  // data-t / data-i18n elements take their phrase; data-t-placeholder inputs their placeholder.
  function applyTexts(root) {
    const scope = root || document;
    for (const node of scope.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
    for (const node of scope.querySelectorAll("[data-i18n]")) {
      node.textContent = t(node.dataset.i18n);
    }
    for (const node of scope.querySelectorAll("[data-t-placeholder]")) {
      node.placeholder = t(node.dataset.tPlaceholder);
    }
  }

  // ---- the wait a citizen is told: whole minutes, rounded up, at least one -----------------
  // The printed ticket says the same (hardware/printer/layout.py format_estimated_wait).
  function waitMinutes(seconds) { return Math.max(1, Math.ceil(Number(seconds) / 60)); }

  // ---- tokens: one storage key per role ------------------------------------------------------
  // People (staff, manager) keep theirs for the tab (sessionStorage: closing the browser logs
  // out); devices paired once with ?token= (kiosk, evaluator, display) keep theirs for good
  // (localStorage), one per hall (and window). The keys before this module are read once and
  // moved.
  const DEVICES = ["kiosk", "evaluator", "display"];
  // Where a signed-in clerk works ({hall, window, chose}), kept beside the staff token: the
  // counter and the follow-up page of the same tab share both.
  const PLACE_KEY = "hallq.staff.place";
  const staffPlace = {
    get: function () { return JSON.parse(sessionStorage.getItem(PLACE_KEY) || "null") || {}; },
    set: function (place) { sessionStorage.setItem(PLACE_KEY, JSON.stringify(place)); },
  };
  const LEGACY = {
    staff: [["hallq.counter", function (v) {  // the counter kept {token, hall, window}
      const old = JSON.parse(v) || {};
      staffPlace.set({hall: old.hall, window: old.window});
      return old.token;
    }]],
    manager: [["hallq.token", function (v) { return v; }]],
    kiosk: [["hallq.kiosk.token.{scope}", function (v) { return v; }]],
    evaluator: [["hallq.evaluator.{scope}", function (v) { return v; }]],
    display: [["hallq.display.{scope}", function (v) { return v; }]],
  };

  function storeOf(role) { return DEVICES.indexOf(role) >= 0 ? localStorage : sessionStorage; }
  function tokenKey(role, scope) { return "hallq.token." + role + (scope ? "." + scope : ""); }

  function migrate(role, scope) {
    const store = storeOf(role);
    for (const [pattern, read] of LEGACY[role] || []) {
      const old = pattern.replace("{scope}", scope || "");
      const value = store.getItem(old);
      if (value === null) continue;
      let token = null;
      try { token = read(value); } catch (e) { token = null; }
      store.removeItem(old);
      if (token) { store.setItem(tokenKey(role, scope), token); return token; }
    }
    return null;
  }

  const tokens = {
    key: tokenKey,
    get: function (role, scope) {
      return storeOf(role).getItem(tokenKey(role, scope)) || migrate(role, scope);
    },
    set: function (role, scope, token) { storeOf(role).setItem(tokenKey(role, scope), token); },
    clear: function (role, scope) {
      storeOf(role).removeItem(tokenKey(role, scope));
      if (role === "staff") sessionStorage.removeItem(PLACE_KEY);
    },
  };

  /** A device page opened once with ?token=: keep the token, take it out of the address bar
      (and so out of screenshots and history), and return the kept one. */
  function pairedToken(role, scope) {
    const params = new URLSearchParams(location.search);
    const fromUrl = params.get("token");
    if (fromUrl) {
      tokens.set(role, scope, fromUrl);
      params.delete("token");
      const query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
    }
    return tokens.get(role, scope);
  }

  // ---- the API client --------------------------------------------------------------------------
  // Every failure becomes one error object {code, message, details, status}: the API's
  // documented {"error": {...}} shape, "network" when the server cannot be reached,
  // "internal_error" when an answer is not the documented shape.
  function apiError(code, message, details, status) {
    return {code: code, message: message || "", details: details || {}, status: status || 0};
  }

  /** A client for `role`: options.scope (the device's hall), options.token (a fixed token
      instead of the stored one), options.onUnauthenticated(error) (the token is no longer
      good), options.track ({pending: n} counted while requests are out, for tests),
      options.base (what paths are under, "/api/v1" unless given; a path that starts with
      /api/ is taken as it is). */
  function client(role, options) {
    const opts = options || {};
    const base = opts.base === undefined ? "/api/v1" : opts.base;
    function token() { return opts.token || (role ? tokens.get(role, opts.scope) : null); }

    async function respond(path, init) {
      const url = path.indexOf("/api/") === 0 ? path : base + path;
      const headers = Object.assign({"Content-Type": "application/json"}, (init || {}).headers);
      const current = token();
      if (current) headers.Authorization = "Bearer " + current;
      if (opts.track) opts.track.pending += 1;
      let response;
      try {
        response = await fetch(url, Object.assign({}, init, {headers: headers}));
      } catch (e) {
        throw apiError("network", String(e));
      } finally {
        if (opts.track) opts.track.pending -= 1;
      }
      return response;
    }

    async function failure(response, path) {
      const data = await response.json().catch(function () { return null; });
      const shaped = data && data.error && data.error.code;
      const error = shaped ? apiError(data.error.code, data.error.message, data.error.details,
                                      response.status)
                           : apiError("internal_error", "", {}, response.status);
      if (error.code === "unauthenticated" && !/\/auth\/token$/.test(path) &&
          opts.onUnauthenticated) {
        opts.onUnauthenticated(error);
      }
      return error;
    }

    /** The JSON answer of `method path` (under /api/v1) with `body`; throws the error object. */
    async function request(method, path, body) {
      const response = await respond(path, {method: method,
        body: body === undefined ? undefined : JSON.stringify(body)});
      if (!response.ok) throw await failure(response, path);
      if (response.status === 204) return null;
      return response.json().catch(function () { return null; });
    }

    /** The Response itself when it is a success (downloads, status checks); throws like
        request() otherwise. */
    async function download(method, path, body) {
      const response = await respond(path, {method: method,
        body: body === undefined ? undefined : JSON.stringify(body)});
      if (!response.ok) throw await failure(response, path);
      return response;
    }

    return {request: request, download: download, respond: respond, token: token};
  }

  // ---- the login form --------------------------------------------------------------------------
  /** Wire a username/password form to POST /auth/token. `fields`: {form, username, password,
      error} elements; `done(answer)` receives {token, role, ...} (it may throw an error object
      or a text to refuse); `describe(error)` gives the sentence shown for a failure. */
  function loginForm(fields, done, describe) {
    const anonymous = client(null);
    fields.form.addEventListener("submit", async function (event) {
      event.preventDefault();
      show(fields.error, "");
      try {
        const answer = await anonymous.request("POST", "/auth/token", {
          username: fields.username.value.trim(), password: fields.password.value});
        fields.password.value = "";
        await done(answer);
      } catch (error) {
        show(fields.error, typeof error === "string" ? error : describe(error));
      }
    });
  }

  // ---- elements --------------------------------------------------------------------------------
  function byId(id) { return document.getElementById(id); }

  /** el("td", "name", text) or el("tr", {"data-service": code, onclick: f}, ...children):
      children are nodes or text (null and undefined are skipped). */
  function el(tag, attrs) {
    const node = document.createElement(tag);
    if (typeof attrs === "string") node.className = attrs;
    else {
      for (const [name, value] of Object.entries(attrs || {})) {
        if (name === "class") node.className = value;
        else if (name.indexOf("on") === 0) node.addEventListener(name.slice(2), value);
        else node.setAttribute(name, value);
      }
    }
    const children = Array.prototype.slice.call(arguments, 2).flat(Infinity);
    for (const child of children) {
      if (child !== null && child !== undefined) {
        node.append(child instanceof Node ? child : String(child));
      }
    }
    return node;
  }

  // A message element shows its text, or hides when there is none.
  function show(node, text) {
    if (!node) return;
    node.textContent = text || "";
    node.hidden = !text;
  }

  window.Hallq = {
    texts: {add: addTexts, table: table, lookup: lookup, apply: applyTexts},
    t: t, translate: translate, fill: fill, esc: esc, waitMinutes: waitMinutes,
    setLanguage: function (code) { language = languageOf(code); },
    language: function () { return language; },
    tokens: tokens, staffPlace: staffPlace, pairedToken: pairedToken, client: client,
    apiError: apiError,
    loginForm: loginForm, byId: byId, el: el, show: show,
  };
})();
