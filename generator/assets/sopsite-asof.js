/*
 * sopsite as-of view: for a picked date, the revision of every document in force that day.
 *
 * The data is embedded in the page; links are borrowed from the page's own table of all
 * revisions (MkDocs resolved them), so this works on a server, under file:// and offline.
 * A revision is in force from its effective date if its status is effective, superseded or
 * retired, or imported (in use, but unsigned: shown as such); the latest such wins (a later
 * revision wins a tie), and a retired one means none. A version known only from the
 * document's declared change history (from before the repository) is marked as declared;
 * one from git names its commit. A polite live region says how many documents were in force,
 * so a screen reader hears the answer without leaving the date field.
 */
(function () {
  "use strict";
  var IN_FORCE = { effective: true, superseded: true, retired: true, imported: true };

  function cell(row, content) {
    var td = document.createElement("td");
    if (typeof content === "string") td.textContent = content;
    else td.appendChild(content);
    row.appendChild(td);
  }

  function setup() {
    var data = document.getElementById("sopsite-asof-data");
    var input = document.getElementById("sopsite-asof-date");
    var body = document.querySelector(".sopsite-asof-result tbody");
    if (!data || !input || !body || input.dataset.ready === "1") return;
    input.dataset.ready = "1";
    var documents = JSON.parse(data.dataset.asof);
    var declared = data.dataset.declared || "declared";
    var fromGit = data.dataset.fromGit || "from git";

    function origin(revision) {
      if (revision.source === "declared") return " (" + declared + ")";
      if (revision.commit) return " (" + fromGit + " " + revision.commit + ")";
      return "";
    }

    var status = document.querySelector(".sopsite-asof-status");

    function announce(day, count) {
      if (!status || !status.dataset.announce) return;
      status.textContent = day ? status.dataset.announce
        .replace("{count}", String(count)).replace("{total}", String(documents.length))
        .replace("{day}", day) : "";
    }

    function render() {
      var day = input.value;
      var inForce = 0;
      body.textContent = "";
      documents.forEach(function (doc) {
        var best = null;
        doc.revisions.forEach(function (revision) {
          if (IN_FORCE[revision.status] && revision.effective <= day &&
              (best === null || revision.effective >= best.effective)) {
            best = revision;
          }
        });
        var row = document.createElement("tr");
        row.dataset.doc = doc.id;
        cell(row, doc.id + ": " + doc.title);
        if (best === null || best.status === "retired" || !day) {
          cell(row, "not in force");
          cell(row, "–");
        } else {
          var source = document.querySelector(
            'a[data-rev="' + CSS.escape(doc.id + "@" + best.version) + '"]');
          var link = document.createElement("a");
          link.textContent = "v" + best.version;
          if (source) link.setAttribute("href", source.getAttribute("href"));
          row.dataset.version = best.version;
          row.dataset.source = best.source;
          var note = (best.status === "imported" ? ", " + best.label : "") + origin(best);
          var shown = document.createElement("span");
          shown.appendChild(link);
          shown.appendChild(document.createTextNode(note));
          cell(row, shown);
          cell(row, best.effective);
          inForce += 1;
        }
        body.appendChild(row);
      });
      announce(day, inForce);
    }

    input.addEventListener("input", render);
    input.addEventListener("change", render);
    render();
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
