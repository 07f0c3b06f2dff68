/*
 * sopsite catalogue: sort its tables by any column, filter them by status and owner.
 *
 * Progressive: the page holds complete Markdown tables, and this only reorders and hides
 * their rows. Everything it adds is built with createElement and textContent from the
 * tables' own cell text and the labels in the wrapper's data attributes (data-filter: the
 * columns to filter by, counted from 0; data-all: the word for "any value"; data-shown:
 * "{shown} of {total}"), so no author text is ever parsed as HTML.
 */
(function () {
  "use strict";
  var DASH = "\u2013";

  function text(cell) {
    return (cell ? cell.textContent : "").replace(/\s+/g, " ").trim();
  }

  function compare(a, b) {
    // Empty cells ("–") last either way; numbers inside text (versions, dates) by value.
    if (a === b) return 0;
    if (a === DASH || a === "") return 1;
    if (b === DASH || b === "") return -1;
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function sortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sopsite-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) {
          other.setAttribute("aria-sort", "none");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (x, y) {
          var order = compare(text(x.cells[column]), text(y.cells[column]));
          var empty = text(x.cells[column]) === DASH || text(y.cells[column]) === DASH;
          return ascending || empty ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function filters(root, tables) {
    var columns = (root.dataset.filter || "").split(" ").filter(Boolean).map(Number);
    var rows = [];
    tables.forEach(function (table) {
      Array.prototype.push.apply(rows, Array.prototype.slice.call(table.tBodies[0].rows));
    });
    var bar = document.createElement("div");
    bar.className = "sopsite-filters";
    var count = document.createElement("p");
    count.className = "sopsite-filter-count";
    count.setAttribute("aria-live", "polite");
    var selects = columns.map(function (column) {
      var label = document.createElement("label");
      var select = document.createElement("select");
      select.dataset.column = String(column);
      label.appendChild(document.createTextNode(text(tables[0].tHead.rows[0].cells[column]) + " "));
      var any = document.createElement("option");
      any.value = "";
      any.textContent = root.dataset.all || "all";
      select.appendChild(any);
      var values = {};
      rows.forEach(function (row) { values[text(row.cells[column])] = true; });
      Object.keys(values).sort(compare).forEach(function (value) {
        var option = document.createElement("option");
        option.value = value;
        option.textContent = value;
        select.appendChild(option);
      });
      label.appendChild(select);
      bar.appendChild(label);
      return select;
    });

    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var keep = selects.every(function (select) {
          return !select.value || text(row.cells[Number(select.dataset.column)]) === select.value;
        });
        row.hidden = !keep;
        if (keep) shown += 1;
      });
      count.textContent = (root.dataset.shown || "{shown} of {total}")
        .replace("{shown}", String(shown)).replace("{total}", String(rows.length));
    }

    selects.forEach(function (select) { select.addEventListener("change", apply); });
    bar.appendChild(count);
    root.insertBefore(bar, root.firstChild);
    apply();
  }

  function setup() {
    var root = document.querySelector(".sopsite-catalogue");
    if (!root || root.dataset.ready === "1") return;
    root.dataset.ready = "1";
    var tables = Array.prototype.slice.call(root.querySelectorAll("table")).filter(
      function (table) { return table.tHead && table.tBodies.length; });
    if (!tables.length) return;
    tables.forEach(sortable);
    filters(root, tables);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
