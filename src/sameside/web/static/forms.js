// Forms that never lose what was typed, and never refuse in silence.
//
// - A refused form (a 4xx answer to a form htmx sent) is not swapped in: the page stays as it is,
//   with everything typed, the address bar where it was, and the server's message is shown inside
//   the form that was sent. Without JavaScript the server draws the page again with the message
//   beside the form; this is the same message, where the person acted.
// - A form that got no answer it could use (a 5xx, the network down, no answer within
//   htmx.config.timeout) is not swapped either: a message inside the form says what happened and
//   that what was typed is still there, so sending again is one click.
// - Drafts: what is typed into a form's text areas is kept in this browser (localStorage), keyed by
//   the form's address and the field (so by case and form), put back after a reload or a live
//   refresh, and forgotten once the form is sent and accepted, or on signing out.
// - A confirmation the server draws (.toast, role=status) goes away by itself after a while.
(function () {
  "use strict";
  var PREFIX = "sameside:draft:";
  var store = null;
  try { store = window.localStorage; store.getItem("probe"); } catch (e) { store = null; }

  // The form a request sends: the form itself, or the button that submits it. A field's own side request
  // (the coach checking the reply as it is typed) sends no form: it must neither forget the draft nor clear
  // a refusal shown above it.
  function formOf(el) {
    if (!el) { return null; }
    if (el.tagName === "FORM") { return el; }
    var submits = el.tagName === "BUTTON" || (el.tagName === "INPUT" && /^(submit|image)$/i.test(el.type || ""));
    return submits ? (el.form || (el.closest ? el.closest("form") : null)) : null;
  }

  function posted(form) {
    return form && String(form.getAttribute("method") || "get").toLowerCase() === "post";
  }

  function draftKey(field) {
    var form = field.form;
    if (!posted(form) || !field.name || field.tagName !== "TEXTAREA") { return null; }
    return PREFIX + (form.getAttribute("action") || location.pathname) + "#" + field.name;
  }

  // ------------------------------------------------------------------ drafts

  function save(field) {
    var key = store && draftKey(field);
    if (!key) { return; }
    try {
      if (field.value === field.defaultValue || field.value.trim() === "") { store.removeItem(key); }
      else { store.setItem(key, field.value); }
    } catch (e) { /* storage full or refused: the field itself still holds the text */ }
  }

  function restore(root) {
    if (!store || !root.querySelectorAll) { return; }
    var fields = root.querySelectorAll("form textarea[name]");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      var key = draftKey(field);
      var kept = key ? store.getItem(key) : null;
      if (kept !== null && kept !== field.value && (field.value === "" || field.value === field.defaultValue)) {
        field.value = kept;
        field.setAttribute("data-draft", "restored");
      }
    }
  }

  function forget(form) {
    if (!store || !form || !form.elements) { return; }
    for (var i = 0; i < form.elements.length; i++) {
      var key = draftKey(form.elements[i]);
      if (key) { store.removeItem(key); }
    }
  }

  function forgetAll() {
    if (!store) { return; }
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) { store.removeItem(key); }
    }
  }

  document.addEventListener("input", function (event) {
    if (event.target && event.target.tagName === "TEXTAREA") { save(event.target); }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.getAttribute && form.getAttribute("action") === "/sign-out") { forgetAll(); }
  }, true);

  // ------------------------------------------------------------------ refusals

  function messageIn(html) {
    var doc = new DOMParser().parseFromString(html || "", "text/html");
    var el = doc.querySelector("[data-refusal]") || doc.querySelector("main [role=alert]") ||
      doc.querySelector("main .error");
    return el ? el.textContent.trim() : "";
  }

  function clearRefusal(form) {
    var old = form.querySelectorAll("[data-form-error]");
    for (var i = 0; i < old.length; i++) { old[i].remove(); }
    var marked = form.querySelectorAll("[aria-invalid=true]");
    for (var j = 0; j < marked.length; j++) { marked[j].removeAttribute("aria-invalid"); }
  }

  function showRefusal(form, text) {
    clearRefusal(form);
    var note = document.createElement("p");
    note.className = "error form-error";
    note.setAttribute("role", "alert");
    note.setAttribute("data-form-error", "");
    note.textContent = text;
    var button = form.querySelector("button[type=submit], button:not([type])");
    if (button && button.parentNode === form) { form.insertBefore(note, button); } else { form.insertBefore(note, form.firstChild); }
    var dialog = form.closest("dialog");
    if (dialog && !dialog.open && dialog.showModal) { dialog.showModal(); }
    if (note.scrollIntoView) { note.scrollIntoView({ block: "nearest" }); }
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = formOf(event.detail && event.detail.elt);
    if (form) { clearRefusal(form); }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var form = formOf(detail.requestConfig && detail.requestConfig.elt);
    if (!form || !posted(form)) { return; }
    var status = detail.xhr.status;
    if (status >= 400 && status < 500) {
      detail.shouldSwap = false;  // nothing changed on the server: keep the page, and what was typed
      showRefusal(form, messageIn(detail.serverResponse) || "That was not accepted (" + status + "); please check and try again.");
    } else if (status >= 500) {
      detail.shouldSwap = false;  // the server failed: nothing to show but that, and what was typed stays
      showRefusal(form, "Something went wrong on our side (" + status + "), so this was not saved. " +
        "What you typed is still here: please try again in a moment.");
    } else if (status < 400) {
      forget(form);  // accepted: its draft is sent, not lost
    }
  });

  // No answer at all: the network failed, or the server took longer than htmx.config.timeout.
  function unanswered(text) {
    return function (event) {
      var form = formOf(event.detail && (event.detail.requestConfig && event.detail.requestConfig.elt || event.detail.elt));
      if (form) { showRefusal(form, text); }
    };
  }
  document.addEventListener("htmx:sendError", unanswered(
    "We could not reach Sameside (the connection failed), so this was not sent. " +
    "What you typed is still here: check your connection and try again."));
  document.addEventListener("htmx:timeout", unanswered(
    "Sameside did not answer in time, so this may not have been saved. " +
    "What you typed is still here: please try again."));

  // ------------------------------------------------------------------ confirmations

  function settleToasts(root) {
    if (!root.querySelectorAll) { return; }
    var toasts = root.querySelectorAll(".toast");
    for (var i = 0; i < toasts.length; i++) {
      (function (toast) { setTimeout(function () { toast.remove(); }, 8000); })(toasts[i]);
    }
  }

  function start(root) { restore(root); settleToasts(root); }

  document.addEventListener("htmx:load", function (event) { start(event.detail.elt || document); });
  document.addEventListener("sameside:refreshed", function (event) { restore(event.detail && event.detail.elt || document); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { start(document); });
  } else { start(document); }
})();
