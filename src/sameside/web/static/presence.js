// Presence for live chat: while a desk page is open it beats every minute, saying whether its person did
// anything since the last beat (so idleness makes them away, a closed page offline; `staff.presence`).
// A page opts in with <span data-presence-beat="CSRF" hidden> (the Chats page, and the Chats count fragment
// every desk page loads). It also watches the waiting-chats count (`#chats-count`, `#waiting-count`): when
// it rises, a short sound and, when desktop alerts are allowed, a notification.
(function () {
  "use strict";
  if (window.samesidePresence) { return; }
  window.samesidePresence = true;
  var active = false;
  var lastWaiting = null;
  ["keydown", "pointerdown", "scroll", "focus"].forEach(function (name) {
    window.addEventListener(name, function () { active = true; }, { passive: true, capture: true });
  });

  function beat() {
    var el = document.querySelector("[data-presence-beat]");
    if (!el) { return; }
    var body = new URLSearchParams({ csrf: el.dataset.presenceBeat || "", active: active ? "1" : "0" });
    active = false;
    fetch("/desk/chats/beat", { method: "POST", credentials: "same-origin", body: body }).catch(function () {});
  }

  function waitingNow() {
    var el = document.getElementById("waiting-count") || document.getElementById("chats-count");
    if (!el) { return null; }
    var n = parseInt(el.dataset.waiting || el.textContent, 10);
    return isNaN(n) ? 0 : n;
  }

  function chime() {
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context || reduce) { return; }
    try {
      var audio = new Context();
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.08, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.4);
    } catch (e) { /* no sound, the count still shows */ }
  }

  function watchWaiting() {
    var now = waitingNow();
    if (now === null) { return; }
    if (lastWaiting !== null && now > lastWaiting) {
      chime();
      if (window.Notification && Notification.permission === "granted" && document.hidden) {
        new Notification("A chat is waiting", { body: now + " waiting for a person.", tag: "sameside-chats" });
      }
    }
    lastWaiting = now;
  }

  new MutationObserver(watchWaiting).observe(document.body, { childList: true, subtree: true });
  watchWaiting();
  active = true;
  beat();
  setInterval(beat, 60000);
})();
