// "Mark as feedback" beside a customer's message opens the case's Feedback dialog with that message chosen.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var opener = event.target.closest ? event.target.closest("[data-feedback-entry]") : null;
    if (!opener) { return; }
    var choice = document.getElementById("feedback-entry");
    if (choice) { choice.value = opener.getAttribute("data-feedback-entry"); }
  }, true);
})();
