// Mon Espace — small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Live password checklist (8 characters, 1 digit, 1 letter) and confirmation match.
  function setupPasswordRules(root) {
    var input = root.querySelector("[data-password-input]");
    if (!input) return;
    var rules = root.querySelectorAll("[data-rule]");
    var confirm = root.querySelector("[data-password-confirm]");
    var matchStatus = root.querySelector("[data-match-status]");
    var tests = {
      length: function (v) { return v.length >= 8; },
      digit: function (v) { return /\d/.test(v); },
      letter: function (v) { return /\p{L}/u.test(v); },
    };
    function refresh() {
      var value = input.value;
      rules.forEach(function (li) {
        var met = tests[li.dataset.rule](value);
        li.classList.toggle("met", met);
        var state = li.querySelector("[data-rule-state]");
        if (state) state.textContent = met ? state.dataset.met : state.dataset.unmet;
      });
      if (confirm && matchStatus) {
        if (!confirm.value) {
          matchStatus.textContent = "";
          matchStatus.className = "match-status";
        } else if (confirm.value === value) {
          matchStatus.textContent = matchStatus.dataset.ok;
          matchStatus.className = "match-status ok";
        } else {
          matchStatus.textContent = matchStatus.dataset.ko;
          matchStatus.className = "match-status ko";
        }
      }
    }
    input.addEventListener("input", refresh);
    if (confirm) confirm.addEventListener("input", refresh);
    refresh();
  }

  // Disable submit buttons once a form is sent, so a double click sends it only once.
  function guardDoubleSubmit(form) {
    form.addEventListener("submit", function () {
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  }

  // « Tout sélectionner »: checks (or unchecks) every box of its form.
  function setupSelectAll(form) {
    var button = form.querySelector("[data-select-all]");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var boxes = form.querySelectorAll("input[type=checkbox]");
      var all = Array.prototype.every.call(boxes, function (b) { return b.checked; });
      boxes.forEach(function (b) { b.checked = !all; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupPasswordRules(document);
    document.querySelectorAll("[data-select-all-scope]").forEach(setupSelectAll);
    document.querySelectorAll("form[data-once]").forEach(guardDoubleSubmit);
  });
})();
