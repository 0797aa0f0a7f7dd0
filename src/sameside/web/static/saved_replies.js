// Saved replies in the composer (web/saved_replies.py). The matches come from the server as the agent types in
// the "Saved replies" box (htmx, into #saved-found), each already filled in for this case. Here:
// - choosing one puts its text at the cursor in the reply box (or after the draft, on a new line), keeps the rest
//   of the draft, and remembers it in the hidden `saved_reply` field so "Send reply" applies its actions and
//   counts it; what it will also do is said beside the box, with a tick to leave the actions off;
// - Enter in the search box takes the first match instead of sending the reply; arrow down goes to the matches.
// Without JavaScript the same buttons post the form and the server adds the text (nothing here is needed).
(function () {
  "use strict";
  if (window.samesideSavedReplies) { return; }  // a page swapped in by htmx may load this script again
  window.samesideSavedReplies = true;

  function parts(el) {
    var form = el && el.closest ? el.closest("form") : null;
    var box = form && form.querySelector("[data-saved-replies]");
    if (!box) { return null; }
    return {
      form: form,
      box: box,
      field: form.querySelector("textarea[name=body]"),
      search: box.querySelector("input[type=search]"),
      found: box.querySelector(".saved-found"),
      chosen: box.querySelector("[data-saved-chosen]")
    };
  }

  function set(p, id, title, words) {
    p.box.querySelector("[data-saved-reply]").value = id;
    p.box.querySelector("[data-saved-title-field]").value = title;
    p.box.querySelector("[data-saved-words-field]").value = words;
    p.chosen.querySelector("[data-saved-title]").textContent = title;
    p.chosen.querySelector("[data-saved-words]").textContent = words;
    p.chosen.querySelector("[data-saved-actions-box]").hidden = !words;
    p.chosen.querySelector("[data-saved-forget]").hidden = false;
    p.chosen.hidden = !id;
    if (id) { p.box.querySelector("#saved-actions").checked = true; }
  }

  function insert(p, text) {
    var field = p.field;
    var start = field.selectionStart, end = field.selectionEnd;
    var untouched = document.activeElement !== field && start === 0 && end === 0;
    if (untouched || typeof start !== "number") { start = end = field.value.length; }
    var before = field.value.slice(0, start);
    var after = field.value.slice(end);
    var lead = before && !/\n\s*$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    var tail = after && !/^\s*\n/.test(after) ? "\n\n" : "";
    var piece = lead + text + tail;
    field.setRangeText(piece, start, end, "end");
    field.focus();
    var at = start + lead.length + text.length;
    field.setSelectionRange(at, at);
    field.dispatchEvent(new Event("input", { bubbles: true }));  // the draft is kept and the coach reads it
  }

  function choose(button) {
    var p = parts(button);
    if (!p || !p.field) { return; }
    insert(p, button.getAttribute("data-text") || "");
    set(p, button.getAttribute("data-id"), button.getAttribute("data-title") || "", button.getAttribute("data-words") || "");
    p.search.value = "";
    p.found.innerHTML = "";
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) { return; }
    var pick = target.closest("[data-saved-pick]");
    if (pick) { event.preventDefault(); choose(pick); return; }
    var find = target.closest("[data-saved-find]");
    if (find) {
      event.preventDefault();
      var p = parts(find);
      if (p && window.htmx) { window.htmx.trigger(p.search, "input"); p.search.focus(); }
      return;
    }
    var forget = target.closest("[data-saved-forget]");
    if (forget) { var q = parts(forget); if (q) { set(q, "", "", ""); q.field.focus(); } }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!target.matches) { return; }
    if (target.matches("[data-saved-replies] input[type=search]")) {
      var p = parts(target);
      var first = p && p.found.querySelector("[data-saved-pick]");
      if (event.key === "Enter") {
        event.preventDefault();  // never sends the reply from here
        if (first) { choose(first); }
      } else if (event.key === "ArrowDown" && first) {
        event.preventDefault();
        first.focus();
      } else if (event.key === "Escape") {
        target.value = "";
        p.found.innerHTML = "";
      }
    } else if (target.matches("[data-saved-pick]") && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      var item = target.closest("li");
      var next = event.key === "ArrowDown" ? item.nextElementSibling : item.previousElementSibling;
      if (next) { next.querySelector("[data-saved-pick]").focus(); }
      else if (event.key === "ArrowUp") { var s = parts(target); if (s) { s.search.focus(); } }
    }
  });
})();
