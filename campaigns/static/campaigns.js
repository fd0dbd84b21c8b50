// The going-live checklist of the campaign form follows what is typed: the bank account,
// the target group and the budget lines turn met or missing at once (the server checks them
// again, with the rest, when the draft is saved).
(function () {
  "use strict";
  function filled(key) {
    var inputs = document.querySelectorAll('[data-watch="' + key + '"]');
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].value.trim() !== "") { return true; }
    }
    return false;
  }
  function refresh() {
    ["bank_reference", "target_group", "budget_lines"].forEach(function (key) {
      var item = document.querySelector('[data-check="' + key + '"]');
      if (!item) { return; }
      var ok = filled(key);
      item.classList.toggle("is-ok", ok);
      item.classList.toggle("is-missing", !ok);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-watch]").forEach(function (input) {
      input.addEventListener("input", refresh);
    });
  });
})();
