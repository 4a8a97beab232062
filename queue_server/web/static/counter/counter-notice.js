/* 一次性告知 (补正): when the clerk records a case as 补正, the page shows the notice of every
   missing material at once (from the matter's catalogue, as ticked in the case dialog) and
   prints it on the counter's printer through the browser's print dialog; the print style shows
   the notice sheet alone. counter-cases.js calls C.openCorrectionNotice(saved case). */
(function () {
  "use strict";
  const C = window.hallqCounter;
  const {$} = C;
  Hallq.texts.add({
    zh: {notice_title: "一次性告知书", notice_case: "受理编号", notice_matter: "办理事项",
         notice_date: "告知日期", notice_window: "办理窗口",
         notice_intro: "您申请办理的事项所需材料不齐全，请补齐以下材料：",
         notice_outro: "补齐后请凭本告知书（受理编号）回到窗口重新提交。",
         notice_none: "（事项目录未列材料，请按窗口说明补正）",
         notice_print: "打印告知书", notice_close: "关闭"},
    en: {notice_title: "Notice of missing materials", notice_case: "Case number",
         notice_matter: "Matter", notice_date: "Date", notice_window: "Window",
         notice_intro: "The application is missing these materials; please bring them all:",
         notice_outro: "Bring them with this notice (its case number) back to the window.",
         notice_none: "(The catalogue lists no materials; as explained at the window.)",
         notice_print: "Print the notice", notice_close: "Close"},
  });

  function row(label, value) {
    const item = Hallq.el("p", "notice-row");
    item.append(Hallq.el("b", null, Hallq.t(label) + "："), value || "—");
    return item;
  }

  C.openCorrectionNotice = function (saved) {
    const sheet = $("notice-sheet");
    const materials = (saved.note || "").split("；").map((m) => m.trim()).filter(Boolean);
    const list = Hallq.el("ol", "notice-materials");
    for (const name of materials) list.appendChild(Hallq.el("li", null, name));
    if (!materials.length) list.appendChild(Hallq.el("li", "muted", Hallq.t("notice_none")));
    sheet.replaceChildren(
      Hallq.el("h2", null, Hallq.t("notice_title")),
      row("notice_case", saved.number), row("notice_matter", saved.matter_name),
      row("notice_window", C.session ? String(C.session.window) : ""),
      row("notice_date", saved.accepted_on),
      Hallq.el("p", null, Hallq.t("notice_intro")), list,
      Hallq.el("p", "muted", Hallq.t("notice_outro")));
    $("notice-print").textContent = Hallq.t("notice_print");
    $("notice-close").textContent = Hallq.t("notice_close");
    C.closeDialogs();
    $("notice-dialog").showModal();
    $("notice-print").focus();
  };

  // The notice counts as an open dialog (no shortcut acts behind it) and closes with the rest.
  const dialogOpen = C.dialogOpen, closeDialogs = C.closeDialogs;
  C.dialogOpen = () => $("notice-dialog").open || dialogOpen();
  C.closeDialogs = function () {
    if ($("notice-dialog").open) $("notice-dialog").close();
    closeDialogs();
  };

  $("notice-print").addEventListener("click", () => window.print());
  $("notice-close").addEventListener("click", () => $("notice-dialog").close());
})();
