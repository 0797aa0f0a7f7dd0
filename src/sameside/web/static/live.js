// Live updates for Sameside pages: listen on /ws/live, refresh what changed, show who else is here.
// The page says what to watch and what to refresh with data-* attributes on <body>.
(function () {
  "use strict";
  var body = document.body;
  if (!body || !body.dataset.live || !window.WebSocket) return;
  var watch = body.dataset.watch || "";
  var region = body.dataset.refresh || "main";
  var me = body.dataset.me || "";
  var timer = null;
  var retry = 1000;

  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (!window.htmx || !document.querySelector(region)) { return; }
      window.htmx.ajax("GET", location.pathname + location.search, { target: region, select: region, swap: "outerHTML" });
    }, 150);
  }

  function showPresence(viewers) {
    var note = document.getElementById("presence");
    if (!note) { return; }
    var others = viewers.filter(function (name) { return name !== me; });
    note.hidden = others.length === 0;
    note.textContent = others.length === 0 ? "" :
      others.join(", ") + (others.length === 1 ? " also has" : " also have") + " this case open.";
  }

  function connect() {
    var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/live");
    socket.onopen = function () {
      retry = 1000;
      if (watch) { socket.send(JSON.stringify({ watch: watch })); }
    };
    socket.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.type === "presence" || message.type === "watching") { showPresence(message.viewers || []); }
      else if (message.type !== "error") { refresh(); }
    };
    socket.onclose = function () {
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }
  connect();
})();
