/* The citizen's phone page for a case (/case/{hall}, issue 11 窗口送达): the case number and the
   last four characters of the ID number or phone → state, promised day, where to collect.
   Chinese first, English by ?lang=en. The answer carries the masked name and phone only. */
(function () {
  "use strict";
  const H = window.Hallq;
  const body = document.body;
  const hall = body.dataset.hall;
  H.setLanguage(body.dataset.lang);
  H.texts.add({
    zh: {
      title: "办件查询", number: "受理编号", suffix: "身份证号或手机号后四位",
      suffix_hint: "请输入受理时登记的身份证号或手机号的最后四位。", look_up: "查询",
      applicant: "申请人", deadline: "承诺办结日期", collect: "取件地点",
      none: "—", not_yet: "办结后通知取件", collect_at: "{window}（可在取号机按受理编号取“取件号”）",
      hint_done: "已办结：请携带身份证到大厅取号机取“取件号”，到上述窗口领取。",
      hint_open: "正在办理中，请在承诺日期后再查询。",
      err_unknown_case: "未找到：请核对受理编号与后四位。",
      err_invalid_request: "请填写受理编号和四位后缀。",
      err_rate_limited: "查询太频繁，请稍后再试。", err_other: "查询失败，请稍后再试。",
    },
    en: {
      title: "My case", number: "Case number", suffix: "Last 4 of the ID number or phone",
      suffix_hint: "The last four characters of the ID number or mobile given at the window.",
      look_up: "Look up", applicant: "Applicant", deadline: "Promised by",
      collect: "Collect at", none: "—", not_yet: "you will be told when it is done",
      collect_at: "{window} (take a pickup ticket at the kiosk with the case number)",
      hint_done: "Done: take a pickup ticket at the hall's kiosk and collect the result at " +
                 "the window above, with your ID card.",
      hint_open: "In progress; please look again after the promised day.",
      err_unknown_case: "Not found: check the case number and the last four characters.",
      err_invalid_request: "Give the case number and the four characters.",
      err_rate_limited: "Too many tries; please wait a moment.",
      err_other: "The query failed; please try again.",
    },
  });
  H.texts.apply();
  const api = H.client(null);
  const error = H.byId("error");

  function failed(e) {
    const key = "err_" + e.code;
    H.show(error, H.t(H.texts.lookup(key) === undefined ? "err_other" : key, e.details || {}));
  }

  function shown(found) {
    H.byId("r-number").textContent = found.number;
    H.byId("r-matter").textContent = found.matter_name;
    const state = H.byId("r-state");
    state.textContent = found.state_name;
    state.classList.toggle("done", found.done);
    H.byId("r-who").textContent = [found.name, found.phone].filter(Boolean).join(" · ") ||
      H.t("none");
    H.byId("r-deadline").textContent = found.promised_on || H.t("none");
    H.byId("r-collect").textContent = found.collect_at ?
      H.t("collect_at", {window: found.collect_at}) : H.t("not_yet");
    H.byId("r-hint").textContent = H.t(found.done ? "hint_done" : "hint_open");
    H.byId("result").hidden = false;
  }

  H.byId("query").addEventListener("submit", async function (event) {
    event.preventDefault();
    H.show(error, "");
    H.byId("result").hidden = true;
    const submit = H.byId("submit");
    submit.disabled = true;
    try {
      const query = "number=" + encodeURIComponent(H.byId("number").value.trim()) +
        "&suffix=" + encodeURIComponent(H.byId("suffix").value.trim());
      shown(await api.request("GET", "/halls/" + encodeURIComponent(hall) +
                              "/cases/lookup?" + query));
    } catch (e) {
      failed(e);
    } finally {
      submit.disabled = false;
    }
  });
})();
