// The desk with a keyboard and a little JavaScript; every part of it also works without.
// - The composer's Reply and Note become tabs; Ctrl+Enter (or Cmd+Enter) sends what is being written.
// - The case's action forms (Assign, Transfer, Ask a department, Status, Priority, Tags) move into
//   <dialog>s opened from the toolbar; without JavaScript they are sections the toolbar links to.
// - Keys: j/k move in a list, Enter opens, r reply, n note, a assign, t transfer, / search, ? the list
//   of shortcuts, Esc closes a dialog (the browser's own).
// - Desktop alerts (asked for once, by a button, never on load) for new notifications; new chats alert
//   from their count (static/presence.js).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function typing(el) {
    if (!el) { return false; }
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  // ---------------------------------------------------------------- composer tabs

  function selectTab(composer, which, focus) {
    var tabs = composer.querySelectorAll("[role=tab]");
    for (var i = 0; i < tabs.length; i++) {
      var tab = tabs[i];
      var on = tab.getAttribute("aria-controls") === which;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      var panel = document.getElementById(tab.getAttribute("aria-controls"));
      if (panel) { panel.hidden = !on; }
    }
    if (focus) {
      var field = document.querySelector("#" + which + " textarea");
      if (field) { field.focus(); }
    }
  }

  function setupComposer(root) {
    var composer = root.querySelector ? root.querySelector("[data-tabs]:not([data-ready])") : null;
    if (!composer) { return; }
    composer.setAttribute("data-ready", "");
    var list = composer.querySelector("[role=tablist]");
    list.hidden = false;
    // A refused note (or a note draft) opens on the note tab.
    var note = composer.querySelector("#compose-note");
    var start = note && (note.querySelector("[data-refusal]") || note.querySelector("textarea").value) ? "compose-note" : "compose-reply";
    selectTab(composer, start, false);
    list.addEventListener("click", function (event) {
      var tab = event.target.closest("[role=tab]");
      if (tab) { selectTab(composer, tab.getAttribute("aria-controls"), true); }
    });
    list.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") { return; }
      var tabs = Array.prototype.slice.call(list.querySelectorAll("[role=tab]"));
      var at = tabs.indexOf(document.activeElement);
      var next = tabs[(at + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
      selectTab(composer, next.getAttribute("aria-controls"), false);
      next.focus();
    });
  }

  // ---------------------------------------------------------------- dialogs

  function setupDialogs(root) {
    if (!root.querySelectorAll) { return; }
    var panels = root.querySelectorAll(".action-panel:not([data-ready])");
    for (var i = 0; i < panels.length; i++) {
      var panel = panels[i];
      panel.setAttribute("data-ready", "");
      var dialog = document.createElement("dialog");
      dialog.className = "dialog";
      dialog.id = panel.id + "-dialog";
      var label = panel.getAttribute("aria-labelledby");
      if (label) { dialog.setAttribute("aria-labelledby", label); } else { dialog.setAttribute("aria-label", panel.getAttribute("aria-label") || ""); }
      var close = document.createElement("button");
      close.type = "button";
      close.className = "quiet dialog-close";
      close.textContent = "Close";
      close.addEventListener("click", function (event) { event.target.closest("dialog").close(); });
      // Inside <main>, so the form stays boosted by htmx (and its refusal is shown in place).
      (panel.closest("main") || document.body).appendChild(dialog);
      dialog.appendChild(close);
      dialog.appendChild(panel);
      // A form refused without JavaScript's help (drawn by the server) opens where it was sent.
      if (panel.querySelector("[data-refusal]")) { dialog.showModal(); }
    }
    var holder = root.querySelector ? root.querySelector("#case-actions") : null;
    if (holder && !holder.querySelector(".action-panel")) { holder.hidden = true; }
  }

  function openDialog(id) {
    var dialog = document.getElementById(id + "-dialog");
    if (!dialog) { return false; }
    if (!dialog.open) { dialog.showModal(); }
    var first = dialog.querySelector("select, textarea, input:not([type=hidden])");
    if (first) { first.focus(); }
    return true;
  }

  document.addEventListener("click", function (event) {
    var opener = event.target.closest ? event.target.closest("[data-dialog]") : null;
    if (opener && openDialog(opener.getAttribute("data-dialog"))) { event.preventDefault(); }
    var shortcuts = event.target.closest ? event.target.closest("#shortcuts-open") : null;
    if (shortcuts) { showShortcuts(); }
  });

  function showShortcuts() {
    var dialog = document.getElementById("shortcuts");
    if (dialog && !dialog.open) { dialog.showModal(); }
  }

  // ---------------------------------------------------------------- keyboard

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("[data-row]")); }

  function move(step) {
    var all = rows();
    if (all.length === 0) { return; }
    var at = all.findIndex(function (r) { return r.classList.contains("chosen"); });
    if (at < 0) { at = all.findIndex(function (r) { return r.getAttribute("aria-current") === "true"; }); }
    var next = Math.max(0, Math.min(all.length - 1, at < 0 ? 0 : at + step));
    all.forEach(function (r) { r.classList.remove("chosen"); });
    all[next].classList.add("chosen");
    var link = all[next].querySelector("[data-open]");
    if (link) { link.focus(); }
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && target.tagName === "TEXTAREA") {
      var form = target.form;
      if (form && form.hasAttribute("data-send-shortcut")) {
        event.preventDefault();
        if (form.reportValidity()) { form.requestSubmit(); }
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(target) || document.querySelector("dialog[open]")) { return; }
    var composer = document.querySelector("[data-tabs]");
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "Enter": {
        var chosen = document.querySelector("[data-row].chosen [data-open]");
        if (chosen && target === document.body) { chosen.click(); } else { return; }
        break;
      }
      case "r": if (composer) { selectTab(composer, "compose-reply", true); } else { return; } break;
      case "n": if (composer) { selectTab(composer, "compose-note", true); } else { return; } break;
      case "a": if (!openDialog("act-owner")) { return; } break;
      case "t": if (!openDialog("act-transfer")) { return; } break;
      case "/": {
        var search = document.getElementById("desk-search");
        if (!search) { return; }
        search.focus();
        break;
      }
      case "?": showShortcuts(); break;
      default: return;
    }
    event.preventDefault();
  });

  // ---------------------------------------------------------------- desktop alerts
  // Asked for by a button, once; then a new notification (assigned, transferred, a consult answered, a
  // breach coming…) arriving on the live socket shows on the desktop while the desk is not in front.
  // New chats alert (with their sound) from the chats count itself: static/presence.js.

  function setupAlerts() {
    var ask = document.getElementById("notify-ask");
    var keys = document.getElementById("shortcuts-open");
    if (keys) { keys.hidden = false; }
    if (!ask || !("Notification" in window)) { return; }
    ask.hidden = Notification.permission !== "default";
    ask.textContent = "Turn on desktop alerts";
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("#notify-ask")) { return; }
    if ("Notification" in window && Notification.permission === "default") {
      Notification.requestPermission().then(setupAlerts);
    }
  });

  // Someone wrote on the case this page shows (or the page may have missed a change): the answers beside it look
  // again. Staff also hear of every case's messages (the "desk" topic, for the lists): only this case's count.
  document.addEventListener("sameside:live", function (event) {
    var message = event.detail || {};
    var live = document.getElementById("live");
    var shown = live ? live.dataset.watch || "" : "";
    var about = message.type === "changed" ? message.topic : (message.type === "case.message" ? "case:" + message.case : "");
    if (shown && about === shown) {
      document.dispatchEvent(new CustomEvent("sameside:case-message", { detail: message }));
    }
  });

  // The answers could not be fetched (a 5xx, the network, a timeout): say so where "Looking…" stood, rather than
  // look forever. The next message on the case tries again.
  ["htmx:responseError", "htmx:sendError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var panel = event.detail && event.detail.elt;
      if (!panel || panel.id !== "case-answers-live") { return; }
      var said = panel.querySelector(".muted");
      if (said) { said.textContent = "The answers could not be fetched just now; they are looked for again when the customer writes."; }
    });
  });

  document.addEventListener("sameside:live", function (event) {
    var message = event.detail || {};
    if (message.type !== "notification") { return; }
    if (!("Notification" in window) || Notification.permission !== "granted" || document.hasFocus()) { return; }
    var alert = new Notification("Sameside", { body: message.text || "", tag: "sameside-" + (message.url || message.text || "") });
    alert.onclick = function () { window.focus(); if (message.url) { location.href = message.url; } };
  });

  // ---------------------------------------------------------------- answers beside a case
  // "Insert" puts an article's link or text (or a solved case's answer) into the reply box, and records the
  // use on the case without leaving the page. Without JavaScript the form still records the use.

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-insert]") : null;
    if (!button) return;
    var target = document.querySelector(button.getAttribute("data-target") || "#reply-body")
      || document.querySelector("textarea[name=body]");
    if (!target) return;
    event.preventDefault();
    var text = button.getAttribute("data-insert") || "";
    var before = target.value && !/\n$/.test(target.value) ? target.value + "\n\n" : target.value;
    target.value = before + text;
    target.dispatchEvent(new Event("input", { bubbles: true }));
    target.focus();
    var form = button.closest("form[data-knowledge-use]");
    if (form && !button.hasAttribute("data-used")) {
      button.setAttribute("data-used", "");
      fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { "HX-Request": "true" },
        credentials: "same-origin",
      });
    }
  });

  // ---------------------------------------------------------------- copy buttons
  // <button data-copy="ID">: copies the text of field #ID (the chat widget's snippet on the channels page) and
  // says so in #copied. Delegated, so it works on a page htmx swapped in (which runs no script of its own).

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!button) { return; }
    var text = document.getElementById(button.getAttribute("data-copy"));
    var said = document.getElementById("copied");
    if (!text) { return; }
    text.select();
    function done() { if (said) { said.textContent = "Copied."; } }
    (navigator.clipboard ? navigator.clipboard.writeText(text.value) : Promise.reject()).then(
      done, function () { document.execCommand("copy"); done(); }
    );
  });

  // ---------------------------------------------------------------- start, and again after each swap

  function start(root) { setupComposer(root); setupDialogs(root); setupAlerts(); }
  document.addEventListener("htmx:load", function (event) { start(event.detail.elt || document); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { start(document); });
  } else { start(document); }
})();
