// The dashboard home filters its places as one types (the form still works without JavaScript: ?q=).
(function () {
  "use strict";
  var form = document.querySelector("[data-places-search]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var count = document.getElementById("places-count");
  var fold = function (text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  };
  var filter = function () {
    var needle = fold(input.value.trim());
    var shown = 0;
    document.querySelectorAll("[data-search]").forEach(function (item) {
      var match = !needle || item.getAttribute("data-search").indexOf(needle) !== -1;
      item.hidden = !match;
      if (match) shown += 1;
    });
    document.querySelectorAll("details[data-region]").forEach(function (group) {
      var region = group.querySelector("[data-region-place]");
      if (needle && region && !region.hidden) {  // a region that matches shows all of its places
        group.querySelectorAll("[data-search][hidden]").forEach(function (item) { item.hidden = false; shown += 1; });
      }
      var visible = group.querySelectorAll("[data-search]:not([hidden])").length;
      group.hidden = needle && visible === 0;
      if (needle) group.open = visible > 0;
    });
    count.textContent = needle ? shown + (shown > 1 ? " résultats" : " résultat") + " pour « " + input.value.trim() + " »" : "";
  };
  input.addEventListener("input", filter);
  // typed before this script ran (or restored by the browser): filter now
  if (input.value.trim() !== (form.getAttribute("data-query") || "")) filter();
})();
