// The reply composer (templates/_composer_cc.html, _composer_preview.html; web/composer.py).
//
// - "Preview" opens the region under the reply and asks the server to draw the reply as the customer will read it
//   (htmx, event `sameside:preview`); while it is open it follows what is typed and the channel chosen. Without
//   JavaScript the same button posts the form and the page comes back with the preview.
// - Cc is shown only while the answer goes by email; hidden, it is disabled, so nothing typed in it is sent.
(function () {
  "use strict";
  var timer = null;

  function regionOf(form) { return form ? form.querySelector("[data-preview-region]") : null; }

  function refresh(region) {
    if (region && !region.hidden && window.htmx) { window.htmx.trigger(region, "sameside:preview"); }
  }

  function syncCc(form) {
    var select = form.querySelector("select[name=channel]");
    var box = form.querySelector("[data-cc]");
    if (!select || !box) { return; }
    var email = select.value === "email";
    box.hidden = !email;
    var input = box.querySelector("input");
    if (input) { input.disabled = !email; }
  }

  function start(root) {
    if (!root.querySelectorAll) { return; }
    var boxes = root.querySelectorAll("[data-cc]");
    for (var i = 0; i < boxes.length; i++) { if (boxes[i].closest("form")) { syncCc(boxes[i].closest("form")); } }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-preview-toggle]") : null;
    if (!button || !window.htmx) { return; }
    var region = document.getElementById(button.getAttribute("aria-controls"));
    if (!region) { return; }
    event.preventDefault();  // no page post: htmx draws the preview in place
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    region.hidden = !open;
    refresh(region);
  });

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.form || !/^(body|cc)$/.test(field.name || "")) { return; }
    var region = regionOf(field.form);
    clearTimeout(timer);
    timer = setTimeout(function () { refresh(region); }, 400);
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.form || !/^(channel|send_now)$/.test(field.name || "")) { return; }
    if (field.name === "channel") { syncCc(field.form); }
    refresh(regionOf(field.form));
  });

  document.addEventListener("htmx:load", function (event) { start(event.detail.elt || document); });
  document.addEventListener("sameside:refreshed", function (event) { start(event.detail && event.detail.elt || document); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { start(document); });
  } else {
    start(document);
  }
})();
