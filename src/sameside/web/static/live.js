// Live updates for Sameside pages: listen on /ws/live, refresh what changed, show who else is here.
// A page opts in with <div id="live" data-watch="case:12" data-refresh="#timeline" data-me="Dana">.
// htmx may swap the page in place (boosted links), so the settings are read again after every swap.
(function () {
  "use strict";
  if (!window.WebSocket) { return; }
  var socket = null;
  var watching = "";
  var timer = null;
  var retry = 1000;
  var swaps = 0;     // page swaps by htmx: a refresh started before one is stale
  var requests = 0;  // our own refreshes: only the newest may land

  function settings() {
    var el = document.getElementById("live");
    return el ? { watch: el.dataset.watch || "", region: el.dataset.refresh || "main", me: el.dataset.me || "" } : null;
  }

  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(load, 150);
  }

  function load() {
    var config = settings();
    if (!config || !document.querySelector(config.region)) { return; }
    var mine = ++requests;
    var startedAt = swaps;
    fetch(location.pathname + location.search, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null || mine !== requests || startedAt !== swaps) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(config.region);
        var current = document.querySelector(config.region);
        if (!fresh || !current) { return; }
        current.replaceWith(fresh);
        if (window.htmx) { window.htmx.process(fresh); }
      })
      .catch(function () { /* the next change will try again */ });
  }

  function showPresence(viewers) {
    var note = document.getElementById("presence");
    var config = settings();
    if (!note || !config) { return; }
    var others = viewers.filter(function (name) { return name !== config.me; });
    note.hidden = others.length === 0;
    note.textContent = others.length === 0 ? "" :
      others.join(", ") + (others.length === 1 ? " also has" : " also have") + " this case open.";
  }

  function watch() {
    var config = settings();
    var wanted = config ? config.watch : "";
    if (socket && socket.readyState === 1 && wanted && wanted !== watching) {
      socket.send(JSON.stringify({ watch: wanted }));
      watching = wanted;
    }
  }

  function connect() {
    if (!settings()) { return; }
    socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/live");
    socket.onopen = function () { retry = 1000; watching = ""; watch(); };
    socket.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.type === "presence" || message.type === "watching") { showPresence(message.viewers || []); }
      else if (message.type !== "error") { refresh(); }
    };
    socket.onclose = function () {
      socket = null;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }

  document.addEventListener("htmx:afterSwap", function () {
    swaps += 1;
    if (!socket) { connect(); } else { watch(); }
  });
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", connect); } else { connect(); }
})();
