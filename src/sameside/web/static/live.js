// Live updates for Sameside pages: listen on /ws/live, refresh what changed, show who else is here.
// A page opts in with <div id="live" data-watch="case:12" data-refresh="#timeline, #desk-list" data-me="Dana">.
// Only the listed regions are replaced (lists, counts, a timeline), never the form someone is typing in;
// a region missing from the page falls back to data-fallback. Whatever is typed or chosen inside a replaced
// region, and where the cursor was, is carried into the fresh copy (a closed disclosure holding it opened
// again), so a refresh never wipes typing.
// Every message is also announced to the page as a "sameside:live" event (desktop alerts, in desk.js).
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
    if (!el) { return null; }
    return {
      watch: el.dataset.watch || "",
      regions: (el.dataset.refresh || "main").split(",").map(function (s) { return s.trim(); }).filter(Boolean),
      fallback: el.dataset.fallback || ".desk-body",
      me: el.dataset.me || "",
      since: el.dataset.since || "0"
    };
  }

  function regionsOf(config) {
    var found = config.regions.filter(function (sel) { return document.querySelector(sel); });
    var lists = found.filter(function (sel) { return sel !== "#desk-views"; });
    if (lists.length === 0 && document.querySelector(config.fallback)) { found.push(config.fallback); }
    return found;
  }

  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(load, 150);
  }

  // ---------------------------------------------------------------- what is typed survives a refresh

  function keyOf(field) {
    var form = field.form;
    var action = form ? (form.getAttribute("action") || "") : "";
    var which = (field.type === "radio" || field.type === "checkbox") ? field.value : "";
    return action + "|" + field.name + "|" + which;
  }

  function dirty(field) {
    if (field.type === "radio" || field.type === "checkbox") { return field.checked !== field.defaultChecked; }
    if (field.tagName === "SELECT") {
      for (var i = 0; i < field.options.length; i++) {
        if (field.options[i].selected !== field.options[i].defaultSelected) { return true; }
      }
      return false;
    }
    return field.value !== field.defaultValue;
  }

  function fieldsIn(root) {
    return root.querySelectorAll("input[name]:not([type=hidden]):not([type=submit]), textarea[name], select[name]");
  }

  function snapshot(root) {
    var kept = {};
    var fields = fieldsIn(root);
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      var focused = f === document.activeElement;
      if (!focused && !dirty(f)) { continue; }
      kept[keyOf(f)] = {
        value: f.value, checked: f.checked, focused: focused,
        start: focused && typeof f.selectionStart === "number" ? f.selectionStart : null,
        end: focused && typeof f.selectionEnd === "number" ? f.selectionEnd : null
      };
    }
    return kept;
  }

  // A field kept from before sits in a disclosure the fresh copy draws closed (a member's "Edit skills"):
  // open it again, or the text would be kept but out of sight.
  function openAround(field) {
    var box = field.closest ? field.closest("details") : null;
    while (box) {
      box.open = true;
      box = box.parentElement ? box.parentElement.closest("details") : null;
    }
  }

  function carry(root, kept) {
    var fields = fieldsIn(root);
    var focus = null;
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      var was = kept[keyOf(f)];
      if (!was) { continue; }
      if (f.type === "radio" || f.type === "checkbox") { f.checked = was.checked; } else { f.value = was.value; }
      openAround(f);
      if (was.focused) { focus = { field: f, start: was.start, end: was.end }; }
    }
    if (focus) {
      focus.field.focus({ preventScroll: true });
      if (focus.start !== null && focus.field.setSelectionRange) {
        try { focus.field.setSelectionRange(focus.start, focus.end); } catch (e) { /* not a text field */ }
      }
    }
  }

  function load() {
    var config = settings();
    if (!config) { return; }
    var regions = regionsOf(config);
    if (regions.length === 0) { return; }
    var mine = ++requests;
    var startedAt = swaps;
    fetch(location.pathname + location.search, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null || mine !== requests || startedAt !== swaps) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var scroll = window.scrollY;
        regions.forEach(function (sel) {
          var fresh = doc.querySelector(sel);
          var current = document.querySelector(sel);
          if (!fresh || !current) { return; }
          var kept = snapshot(current);
          current.replaceWith(fresh);
          carry(fresh, kept);
          if (window.htmx) { window.htmx.process(fresh); }
          document.dispatchEvent(new CustomEvent("sameside:refreshed", { detail: { elt: fresh } }));
        });
        window.scrollTo(0, scroll);
      })
      .catch(function () { /* the next change will try again */ });
  }

  // ---------------------------------------------------------------- presence and the socket

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
      // "since": when this page began reading; a change published after it, before we listened, refreshes it.
      socket.send(JSON.stringify({ watch: wanted, since: Number(config.since) || 0 }));
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
      else if (message.type !== "error") {
        document.dispatchEvent(new CustomEvent("sameside:live", { detail: message }));
        refresh();
      }
    };
    socket.onclose = function () {
      socket = null;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }

  // A swap makes a refresh already on its way stale only when it touched what the refresh replaces (or the page
  // itself); a small swap beside them (the coach's advice under the reply box) must not throw a change away.
  function touchesRegions(target) {
    var config = settings();
    if (!target || !config || !document.contains(target)) { return true; }
    return regionsOf(config).some(function (sel) {
      var region = document.querySelector(sel);
      return region && (region === target || region.contains(target) || target.contains(region));
    });
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    if (touchesRegions(event.detail && event.detail.target)) { swaps += 1; }
    if (!socket) { connect(); } else { watch(); }
  });
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", connect); } else { connect(); }
})();
