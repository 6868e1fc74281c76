// Small progressive touches; every form works the same without them.
(function () {
  "use strict";
  // The refund amount matters only for the "yes" answers: hide it for "no".
  var form = document.querySelector(".reply-form");
  if (form) {
    var amount = form.querySelector(".amount-field");
    var sync = function () {
      var chosen = form.querySelector("input[name=refund]:checked");
      if (amount) amount.hidden = !!(chosen && chosen.value === "no");
    };
    form.addEventListener("change", sync);
    sync();
  }
  // Show the chosen files with their sizes, and warn before sending one that is too large.
  document.querySelectorAll("input[type=file]").forEach(function (input) {
    var list = input.parentNode.querySelector(".file-list");
    var limit = parseInt(input.getAttribute("data-max-bytes") || "0", 10) * 1024 * 1024;
    input.addEventListener("change", function () {
      if (!list) return;
      list.textContent = "";
      Array.prototype.forEach.call(input.files, function (file) {
        var item = document.createElement("li");
        var size = file.size < 1048576 ? Math.max(1, Math.round(file.size / 1024)) + " KB" : (file.size / 1048576).toFixed(1) + " MB";
        item.textContent = file.name + " (" + size + ")";
        if (limit && file.size > limit) { item.className = "too-large"; item.textContent += " ⚠"; }
        list.appendChild(item);
      });
    });
  });
  // A second click on a submit button must not send the form twice.
  document.querySelectorAll("form.js-once").forEach(function (f) {
    f.addEventListener("submit", function () {
      var button = f.querySelector("button[type=submit]");
      if (button) setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();
