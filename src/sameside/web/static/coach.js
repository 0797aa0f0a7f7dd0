// The language coach at the desk (P8). The advice itself comes from the server as the agent types (the reply
// box posts its form to /desk/coach/check, debounced by htmx, into #coach). Here:
// - every rule whose advice was shown is remembered in the form's hidden `coach_shown`, so that when the
//   reply is sent the desk can count what became of it (taken, or kept: always the agent's call);
// - "Use this" puts the suggestion in place of the flagged words, leaving the rest of the draft and the
//   cursor where they were, and remembers the rule in `coach_used`. Nothing here ever stops a reply.
(function () {
  "use strict";

  function remember(input, rule) {
    if (!input || !rule) { return; }
    var known = input.value ? input.value.split(/\s+/) : [];
    if (known.indexOf(rule) < 0) { known.push(rule); input.value = known.join(" "); }
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var box = event.detail && event.detail.target;
    if (!box || box.id !== "coach") { return; }
    var form = box.closest("form");
    var shown = form && form.querySelector("[data-coach-shown]");
    var items = box.querySelectorAll("[data-coach-rule]");
    for (var i = 0; i < items.length; i++) { remember(shown, items[i].getAttribute("data-coach-rule")); }
  });

  // The occurrence of `words` closest to where the coach saw it (the draft may have changed since).
  function locate(text, words, near) {
    var best = -1;
    var haystacks = [[text, words], [text.toLowerCase(), words.toLowerCase()]];
    for (var h = 0; h < haystacks.length && best < 0; h++) {
      var at = haystacks[h][0].indexOf(haystacks[h][1]);
      while (at >= 0) {
        if (best < 0 || Math.abs(at - near) < Math.abs(best - near)) { best = at; }
        at = haystacks[h][0].indexOf(haystacks[h][1], at + 1);
      }
    }
    return best;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-coach-use]") : null;
    if (!button) { return; }
    event.preventDefault();
    var form = button.closest("form");
    var field = form && form.querySelector("textarea[name=body]");
    if (!field) { return; }
    var words = button.getAttribute("data-words") || "";
    var replacement = button.getAttribute("data-replacement") || "";
    var at = locate(field.value, words, parseInt(button.getAttribute("data-start") || "0", 10));
    if (at < 0 || !words) { return; }
    var selStart = field.selectionStart, selEnd = field.selectionEnd;
    // "preserve" keeps the agent's cursor (shifted when it sat after the words), and every other word.
    field.setRangeText(replacement, at, at + words.length, "preserve");
    remember(form.querySelector("[data-coach-used]"), button.getAttribute("data-rule"));
    remember(form.querySelector("[data-coach-shown]"), button.getAttribute("data-rule"));
    field.focus();
    if (selStart === 0 && selEnd === 0 && document.activeElement === field) {
      var end = at + replacement.length;
      field.setSelectionRange(end, end);
    }
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
