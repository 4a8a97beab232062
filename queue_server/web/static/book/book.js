/* The phone booking page (/book/{hall}, issue 13): service → day → slot (with the places left)
   → ID number and mobile → the booking code and its QR code. Chinese first, English by ?lang=en.
   The ID number goes only to the booking API; the page never shows it again. */
(function () {
  "use strict";
  const H = window.Hallq;
  const body = document.body;
  const hall = body.dataset.hall;
  H.setLanguage(body.dataset.lang);
  H.texts.add({
    zh: {
      title: "预约取号", pick_service: "1. 选择业务", pick_day: "2. 选择日期",
      pick_slot: "3. 选择时段", your_details: "4. 填写信息", id_number: "身份证号",
      phone: "手机号码", confirm: "确认预约", booked: "预约成功", places: "余 {n} 个",
      full: "已约满", none: "本大厅暂无可预约业务。", chosen: "{service} · {day} {slot}",
      summary: "{service} · {day} {slot} · {phone}",
      checkin_hint: "请在预约时段开始前30分钟至开始后15分钟内，到大厅取号机扫码或刷身份证签到。",
      err_invalid_id_number: "身份证号码有误，请核对。", err_invalid_phone: "手机号码有误。",
      err_slot_full: "该时段已约满，请另选。", err_already_booked: "您当天已预约过该业务。",
      err_booking_blocked: "爽约次数过多，暂不能预约（{until}后可再约）。",
      err_rate_limited: "操作太频繁，请稍后再试。", err_other: "预约失败，请稍后再试。",
    },
    en: {
      title: "Book a visit", pick_service: "1. Service", pick_day: "2. Day",
      pick_slot: "3. Time", your_details: "4. Your details", id_number: "ID card number",
      phone: "Mobile number", confirm: "Book", booked: "Booked", places: "{n} left",
      full: "full", none: "This hall takes no bookings yet.", chosen: "{service} · {day} {slot}",
      summary: "{service} · {day} {slot} · {phone}",
      checkin_hint: "Check in at the hall's kiosk with this code or your ID card, from 30 " +
                    "minutes before your time to 15 minutes after it.",
      err_invalid_id_number: "The ID number is not valid.",
      err_invalid_phone: "The mobile number is not valid.",
      err_slot_full: "That time is full; please pick another.",
      err_already_booked: "You already have a booking for this service that day.",
      err_booking_blocked: "Too many missed bookings: booking again after {until}.",
      err_rate_limited: "Too many tries; please wait a moment.",
      err_other: "The booking failed; please try again.",
    },
  });
  H.texts.apply();
  const api = H.client(null);
  const choice = {};
  const error = H.byId("error");

  function step(name) { H.byId("step-" + name).hidden = false; }
  function hideFrom(names) { for (const n of names) H.byId("step-" + n).hidden = true; }
  function mark(container, button) {
    for (const b of container.querySelectorAll("button")) b.classList.remove("chosen");
    button.classList.add("chosen");
  }
  function failed(e) {
    const key = "err_" + e.code;
    H.show(error, H.t(H.texts.lookup(key) === undefined ? "err_other" : key, e.details || {}));
  }

  async function loadServices() {
    const answer = await api.request("GET", "/halls/" + hall + "/booking/services");
    const box = H.byId("services");
    if (!answer.services.length) box.append(H.el("p", "muted", H.t("none")));
    for (const s of answer.services) {
      const name = H.language() === "en" ? s.name_en : s.name;
      const button = H.el("button", {type: "button", "data-service": s.code, onclick: function () {
        choice.service = s.code; choice.serviceName = name; mark(box, button); loadDays();
      }}, s.code + " " + name);
      box.append(button);
    }
  }

  async function loadDays() {
    H.show(error, "");
    hideFrom(["slot", "person", "done"]);
    const answer = await api.request("GET", "/halls/" + hall + "/booking/slots?service=" +
                                     encodeURIComponent(choice.service)).catch(failed);
    if (!answer) return;
    const box = H.byId("days");
    box.replaceChildren();
    for (const day of answer.days) {
      const left = day.slots.reduce(function (n, s) { return n + s.places_left; }, 0);
      const button = H.el("button", {type: "button", "data-day": day.day, onclick: function () {
        choice.day = day.day; mark(box, button); showSlots(day);
      }}, day.day, H.el("small", null, left ? H.t("places", {n: left}) : H.t("full")));
      if (!left) button.disabled = true;
      box.append(button);
    }
    step("day");
  }

  function showSlots(day) {
    hideFrom(["person", "done"]);
    const box = H.byId("slots");
    box.replaceChildren();
    for (const slot of day.slots) {
      const button = H.el("button", {type: "button", "data-slot": slot.start, onclick: function () {
        choice.slot = slot.start; mark(box, button); showPerson();
      }}, slot.start, H.el("small", null, slot.places_left ?
        H.t("places", {n: slot.places_left}) : H.t("full")));
      if (!slot.places_left) button.disabled = true;
      box.append(button);
    }
    step("slot");
  }

  function showPerson() {
    H.show(H.byId("chosen"), H.t("chosen", {service: choice.serviceName, day: choice.day,
                                            slot: choice.slot}));
    step("person");
  }

  H.byId("person").addEventListener("submit", async function (event) {
    event.preventDefault();
    H.show(error, "");
    const submit = H.byId("submit");
    submit.disabled = true;
    try {
      const booked = await api.request("POST", "/halls/" + hall + "/bookings", {
        service: choice.service, day: choice.day, slot: choice.slot,
        id_number: H.byId("id-number").value, phone: H.byId("phone").value});
      H.byId("id-number").value = "";  // never kept on the page
      done(booked);
    } catch (e) {
      failed(e);
    } finally {
      submit.disabled = false;
    }
  });

  function done(booked) {
    hideFrom(["service", "day", "slot", "person"]);
    H.byId("code").textContent = booked.code;
    H.byId("qr").src = "/book/" + encodeURIComponent(hall) + "/qr/" + booked.code + ".svg";
    H.byId("summary").textContent = H.t("summary", {service: choice.serviceName,
      day: booked.day, slot: booked.slot, phone: booked.phone});
    step("done");
  }

  loadServices().catch(failed);
})();
