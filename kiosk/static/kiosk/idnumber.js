/* GB 11643-1999 citizen ID numbers, checked as the citizen types (the server checks again).
   checkIdNumber(text) → "partial" | "ok" | "bad_char" | "bad_area" | "bad_date" | "bad_check". */
(function (global) {
  "use strict";
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK_CHARS = "10X98765432";
  // Province codes: 11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71 (Taiwan), 81-83 (HK, Macau,
  // Taiwan residence permits); the same list as queue_server/domain/idnumber.py, which refuses
  // 9x (not the GB 11643 layout). tests/vectors/shared_rules.json holds both to it.
  var AREAS = /^(1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[1-3])/;
  var EARLIEST_YEAR = 1890;  // as the server: born 1890-01-01 or later

  function checkChar(prefix17) {
    var total = 0;
    for (var i = 0; i < 17; i++) total += Number(prefix17[i]) * WEIGHTS[i];
    return CHECK_CHARS[total % 11];
  }

  function validDate(text, today) {
    var y = Number(text.slice(0, 4)), m = Number(text.slice(4, 6)), d = Number(text.slice(6, 8));
    var date = new Date(Date.UTC(y, m - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
      return false;
    }
    return y >= EARLIEST_YEAR && date.getTime() <= today.getTime();
  }

  function checkIdNumber(text, today) {
    today = today || new Date();
    var n = text.length;
    if (!/^[0-9]*$/.test(text.slice(0, 17)) || (n === 18 && !/[0-9X]/.test(text[17])) || n > 18) {
      return "bad_char";
    }
    if (n >= 2 && !AREAS.test(text)) return "bad_area";
    if (n >= 7 && !/^[12]/.test(text[6])) return "bad_date";
    if (n >= 8 && !/^(18|19|20)/.test(text.slice(6, 8))) return "bad_date";
    if (n >= 11 && !/^(0[1-9]|1[0-2])/.test(text.slice(10, 12).padEnd(2, "1"))) return "bad_date";
    if (n >= 14 && !validDate(text.slice(6, 14), today)) return "bad_date";
    if (n < 18) return "partial";
    return checkChar(text.slice(0, 17)) === text[17] ? "ok" : "bad_check";
  }

  global.HallqId = { checkIdNumber: checkIdNumber, checkChar: checkChar };
})(window);
