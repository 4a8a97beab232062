/* Voice calling on the hall screen: announcements are queued and played one after another
   (two quick calls never talk over each other). Each plays the server's WAV (chime + the call,
   said the hall's repeat count); when that fails, a chime and the browser's speech synthesis
   say the same words. Quiet hours skip the sound; the screen still shows the call.
   window.hallq.announcements logs every announcement: {number, window, recall, queued_at,
   started_at, ended_at, via, error}; via is "audio" (the server's WAV played), "speech" (handed
   to the browser's speech synthesis after the WAV failed), "quiet" (quiet hours) or "none". */
(function () {
  "use strict";
  const hallq = window.hallq;
  const DIGITS = "零一二三四五六七八九";
  const MAX_ANNOUNCEMENT_MS = 45000;   // a stuck player never blocks the queue for longer

  function chineseNumber(value) {
    if (value < 10) return DIGITS[value];
    if (value < 100) {
      const tens = Math.floor(value / 10), units = value % 10;
      return (tens > 1 ? DIGITS[tens] : "") + "十" + (units ? DIGITS[units] : "");
    }
    return String(value).replace(/[0-9]/g, function (d) { return DIGITS[+d]; });
  }

  // The same spoken form the server uses: ticket digits one by one, window numbers as numbers.
  function speechText(template, number, windowName) {
    const spokenNumber = number.replace(/[0-9]/g, function (d) { return DIGITS[+d]; });
    const spokenWindow = windowName.replace(/[0-9]+/g, function (n) {
      return chineseNumber(parseInt(n, 10));
    });
    return template.replace("{number}", spokenNumber).replace("{window}", spokenWindow);
  }

  function inQuietHours(periods, hour, minute) {
    const now = hour * 60 + minute;
    return periods.some(function (period) {
      const m = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(period);
      if (!m) return false;
      const start = +m[1] * 60 + +m[2], end = +m[3] * 60 + +m[4];
      return start <= end ? (start <= now && now < end) : (now >= start || now < end);
    });
  }

  function withTimeout(promise, ms) {
    return Promise.race([promise, new Promise(function (resolve) { setTimeout(resolve, ms); })]);
  }

  function playWav(url, volume) {
    return new Promise(function (resolve, reject) {
      const audio = new Audio(url);
      audio.volume = volume;
      audio.addEventListener("ended", resolve);
      audio.addEventListener("error", function () {
        reject(new Error("audio " + (audio.error ? audio.error.code : "error")));
      });
      const started = audio.play();
      if (started && started.catch) started.catch(reject);
    });
  }

  function chime(volume) {
    return new Promise(function (resolve) {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) { resolve(); return; }
      const ctx = new Context();
      [[880, 0], [659, 0.35]].forEach(function (tone) {
        const osc = ctx.createOscillator(), gain = ctx.createGain();
        osc.frequency.value = tone[0];
        gain.gain.setValueAtTime(volume * 0.5, ctx.currentTime + tone[1]);
        gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + tone[1] + 0.6);
        osc.connect(gain).connect(ctx.destination);
        osc.start(ctx.currentTime + tone[1]);
        osc.stop(ctx.currentTime + tone[1] + 0.6);
      });
      setTimeout(function () { ctx.close(); resolve(); }, 1000);
    });
  }

  function speak(text, lang, volume, repeat) {
    if (!window.speechSynthesis || !window.SpeechSynthesisUtterance) {
      return Promise.reject(new Error("no speech synthesis"));
    }
    let chain = Promise.resolve();
    for (let i = 0; i < repeat; i++) {
      chain = chain.then(function () {
        return withTimeout(new Promise(function (resolve) {
          const utterance = new SpeechSynthesisUtterance(text);
          utterance.lang = lang;
          utterance.volume = volume;
          utterance.rate = 0.9;
          utterance.onend = resolve;
          utterance.onerror = resolve;
          window.speechSynthesis.speak(utterance);
        }), 400 * text.length + 2000);
      });
    }
    return chain;
  }

  function Announcer(hall, voice, lang, isQuiet) {
    this.hall = hall;
    this.voice = voice;
    this.lang = lang;
    this.isQuiet = isQuiet;
    this.queue = [];
    this.busy = false;
    this.log = hallq.announcements = [];
  }

  Announcer.prototype.audioUrl = function (entry) {
    return "/display/" + encodeURIComponent(this.hall) + "/voice/call.wav?number=" +
      encodeURIComponent(entry.number) + "&window=" + entry.window +
      "&recall=" + (entry.recall ? 1 : 0);
  };

  Announcer.prototype.enqueue = function (call) {
    const entry = {number: call.number, window: call.window, window_name: call.window_name,
                   recall: !!call.recall, queued_at: Date.now(), started_at: null,
                   ended_at: null, via: null, error: null};
    this.log.push(entry);
    if (this.log.length > 200) this.log.splice(0, 50);
    this.queue.push(entry);
    this.pump();
    return entry;
  };

  Announcer.prototype.pump = async function () {
    if (this.busy) return;
    this.busy = true;
    while (this.queue.length) {
      const entry = this.queue.shift();
      entry.started_at = Date.now();
      try {
        await withTimeout(this.play(entry), MAX_ANNOUNCEMENT_MS);
      } catch (error) {
        entry.error = String(error);
        entry.via = entry.via || "none";
      }
      entry.ended_at = Date.now();
    }
    this.busy = false;
  };

  Announcer.prototype.play = async function (entry) {
    const parts = window.HallqDisplay.hallParts();
    if (this.isQuiet(+parts.hour, +parts.minute)) { entry.via = "quiet"; return; }
    const volume = Math.max(0, Math.min(1, this.voice.volume / 100));
    try {
      entry.via = "audio";
      await playWav(this.audioUrl(entry), volume);
    } catch (error) {
      entry.error = String(error);
      entry.via = "speech";
      const template = entry.recall ? this.voice.recall_template : this.voice.call_template;
      await chime(volume);
      try {
        await speak(speechText(template, entry.number, entry.window_name || ""),
                    "zh-CN", volume, this.voice.repeat);
      } catch (speechError) {
        entry.via = "none";  // neither server audio nor a browser voice: the screen still shows
        throw speechError;
      }
    }
  };

  window.HallqAnnouncer = {
    create: function (hall, voice) {
      return new Announcer(hall, voice, "zh-CN", function (hour, minute) {
        return inQuietHours(voice.quiet_hours || [], hour, minute);
      });
    },
    speechText: speechText,
    chineseNumber: chineseNumber,
    inQuietHours: inQuietHours
  };
})();
