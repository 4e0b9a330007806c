// Conditional questions: hidden while their condition is not met (the server drops their answers anyway).
(function () {
  "use strict";
  var form = document.querySelector("form[data-survey-answer]");
  if (!form) return;
  var blocks = form.querySelectorAll("[data-condition]");

  function answersOf(code) {
    var values = [];
    form.querySelectorAll("[name='" + code + "']").forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") ? input.checked : input.value) values.push(input.value);
    });
    return values;
  }

  function shown(block) {
    var expected = block.getAttribute("data-values").split(",");
    var code = block.getAttribute("data-condition");
    var parent = form.querySelector("[data-question='" + code + "']");
    if (parent && parent.hidden) return false;
    return answersOf(code).some(function (value) { return expected.indexOf(value) !== -1; });
  }

  function update() {
    blocks.forEach(function (block) { block.hidden = !shown(block); });
  }

  form.addEventListener("change", update);
  update();
})();
