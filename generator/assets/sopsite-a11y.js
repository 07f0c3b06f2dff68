/*
 * sopsite accessibility fixes to Material's own markup, which a handbook cannot change.
 *
 * - The search panel is a dialog without a name: it takes the name Material gives the search
 *   field (already in the page's language).
 * - A section of the navigation whose page is its index (navigation.indexes) is labelled by
 *   the toggle beside its link, which holds only an icon: every such section had the same
 *   empty name. It takes the section's title instead (aria-label wins over aria-labelledby).
 * - A table wider than the page scrolls inside its wrapper, which a keyboard user could not
 *   scroll: a wrapper that overflows joins the tab order, so the arrow keys scroll it.
 * It runs again after every page change of Material's instant navigation (document$).
 */
(function () {
  "use strict";

  function nameSearch() {
    var dialog = document.querySelector(".md-search[role='dialog']");
    var field = document.querySelector(".md-search__input");
    if (!dialog || !field || dialog.hasAttribute("aria-label")) return;
    var name = field.getAttribute("aria-label") || field.getAttribute("placeholder");
    if (name) dialog.setAttribute("aria-label", name);
  }

  function nameSections() {
    document.querySelectorAll("nav.md-nav[aria-labelledby]").forEach(function (nav) {
      var label = document.getElementById(nav.getAttribute("aria-labelledby"));
      var title = nav.querySelector(":scope > .md-nav__title");
      if (!label || label.textContent.trim() || !title || nav.hasAttribute("aria-label")) return;
      var name = title.textContent.trim();
      if (name) nav.setAttribute("aria-label", name);
    });
  }

  function scrollableTables() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        wrap.classList.add("sopsite-scrollable");
      }
    });
  }

  function setup() {
    nameSearch();
    nameSections();
    scrollableTables();
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
