/* The evaluator's texts added with record-on-tap, the window's state and the call-back phone,
   added to the counter pages' texts (i18n.js) through Hallq.texts. */
(function () {
  "use strict";
  var more = {
    zh: {
      eval_state: {closed: "未开放", paused: "暂停", idle: "等候叫号", serving: "办理中"},
      eval_state_note: {closed: "本窗口暂未开放，请到其他窗口办理", paused: "本窗口暂停服务，请稍候",
                        idle: "", serving: ""},
      eval_recorded: "您的评价已记录", eval_reasons_optional: "如愿意，可补充原因（选填）",
      eval_phone: "回访电话（选填）", eval_phone_hint: "仅用于回访核实，办结后删除",
      eval_phone_invalid: "请输入正确的11位手机号码", eval_skip: "不补充了",
      eval_add_submit: "提交补充"
    },
    en: {
      eval_state: {closed: "Closed", paused: "Paused", idle: "Waiting for next", serving: "Serving"},
      eval_state_note: {closed: "This window is closed; please go to another window",
                        paused: "This window is paused; please wait", idle: "", serving: ""},
      eval_recorded: "Your rating is recorded", eval_reasons_optional: "Tell us more if you like (optional)",
      eval_phone: "Phone for a call-back (optional)", eval_phone_hint: "Only for our call-back; deleted once the case is closed",
      eval_phone_invalid: "Please enter an 11-digit mainland mobile number", eval_skip: "No, thanks",
      eval_add_submit: "Send"
    }
  };
  Hallq.texts.add(more);
})();
