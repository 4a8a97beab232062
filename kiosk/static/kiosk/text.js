/* Shared by the kiosk and tracking pages: a phrase from the embedded catalogs (the page's
   language, else Chinese, else the id) with its {name} placeholders filled, and HTML escaping.
   Each page keeps its own one-line _() so that `make translations` finds the ids. */
(function () {
  "use strict";
  function translate(catalogs, lang, key, values) {
    var text = (catalogs[lang] || {})[key] || catalogs.zh_CN[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }
  function esc(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  window.HallqText = { translate: translate, esc: esc };
})();
