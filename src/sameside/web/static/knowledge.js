// Answers beside a case: "Insert" puts an article's link or text (or a solved case's answer) into the reply box,
// and records the use on the case without leaving the page. Without JavaScript the form still records the use.
(function () {
  "use strict";
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
})();
