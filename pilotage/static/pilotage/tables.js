// Long tables: sort by a column (table[data-sortable]) and filter rows as one types (input[data-filter-table]).
// Without JavaScript the table stays whole and in the server's order. Sorting reads a cell's data-value when
// present (a number written with a point), else its text as French people write numbers ("1 234,5 %"), else
// the text in French alphabetical order; rows marked data-pinned (France, the region) stay on top.
(function () {
  "use strict";
  var fold = function (text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  };
  var numberIn = function (text) {
    var cleaned = text.replace(/[\s\u00a0\u202f€%]/g, "").replace("−", "-").replace(",", ".");
    return /^[-+]?\d+(\.\d+)?$/.test(cleaned) ? parseFloat(cleaned) : null;
  };
  var keyOf = function (cell) {
    if (!cell) return { empty: true };
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : null;
    var number = raw !== null ? (raw === "" || raw === "None" ? null : parseFloat(raw)) : numberIn(cell.textContent);
    if (number !== null && !isNaN(number)) return { number: number };
    if (raw !== null || cell.textContent.trim() === "" || cell.textContent.trim() === "—") return { empty: true };
    return { text: cell.textContent.trim() };
  };
  var compare = function (a, b) {
    if (a.empty || b.empty) return a.empty && b.empty ? 0 : a.empty ? 1 : -1;  // blanks last, both ways
    if (a.number !== undefined && b.number !== undefined) return a.number - b.number;
    return String(a.text !== undefined ? a.text : a.number).localeCompare(String(b.text !== undefined ? b.text : b.number), "fr", { numeric: true });
  };

  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    var head = table.tHead && table.tHead.rows[0];
    var body = table.tBodies[0];
    if (!head || !body) return;
    Array.prototype.forEach.call(head.cells, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "pilotage-sort";
      button.innerHTML = th.innerHTML;
      button.setAttribute("title", "Trier par « " + th.textContent.trim() + " »");
      th.innerHTML = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(head.cells, function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        var pinned = rows.filter(function (row) { return row.hasAttribute("data-pinned"); });
        var others = rows.filter(function (row) { return !row.hasAttribute("data-pinned"); });
        others.sort(function (a, b) {
          var ka = keyOf(a.cells[index]), kb = keyOf(b.cells[index]);
          var order = compare(ka, kb);
          if (ka.empty || kb.empty) return order;
          return ascending ? order : -order;
        });
        pinned.concat(others).forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  document.querySelectorAll("input[data-filter-table]").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-filter-table"));
    var count = document.getElementById(input.getAttribute("data-filter-table") + "-count");
    if (!table || !table.tBodies[0]) return;
    var filter = function () {
      var needle = fold(input.value);
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var match = !needle || row.hasAttribute("data-pinned") || fold(row.textContent).indexOf(needle) !== -1;
        row.hidden = !match;
        if (match && !row.hasAttribute("data-pinned")) shown += 1;
      });
      if (count) count.textContent = needle ? shown + (shown > 1 ? " lignes" : " ligne") + " pour « " + input.value.trim() + " »" : "";
    };
    input.addEventListener("input", filter);
    if (input.value) filter();
  });
})();
