// The channels page: copy the chat widget's snippet (a file, since the pages' policy allows no inline script).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector("[data-copy]");
  if (!button) { return; }
  button.addEventListener("click", function () {
    var text = document.getElementById(button.getAttribute("data-copy"));
    var said = document.getElementById("copied");
    text.select();
    (navigator.clipboard ? navigator.clipboard.writeText(text.value) : Promise.reject()).then(
      function () { said.textContent = "Copied."; },
      function () { document.execCommand("copy"); said.textContent = "Copied."; }
    );
  });
});
