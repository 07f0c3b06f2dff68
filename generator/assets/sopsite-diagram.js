/*
 * sopsite diagrams: pan, zoom, "fit to width" and a full-screen view for every Mermaid
 * diagram, with buttons, keys (+, -, 0, arrows, Esc) and touch (pinch and drag, through
 * the pinned @panzoom/panzoom served from the site).
 *
 * Material draws each diagram into a *closed* shadow root on a `div.mermaid` host. The host
 * itself is what pans and zooms (a CSS transform moves its shadow content with it), so most
 * of this needs nothing inside. Only "fit to width" does: it must know how small the
 * smallest label would be drawn, and that lives in the SVG. The choices were:
 *   - re-render the source with Mermaid into an open root: a second layout of every diagram,
 *     the costliest work a page does (the diagram budget exists because of it);
 *   - force `mode: "open"`: every script of the page, and Material's assumptions, would see
 *     a different DOM than Material asked for;
 *   - keep a private reference: wrap `Element.prototype.attachShadow` so that, for hosts of
 *     class `mermaid` only, the root Material gets is also remembered in a WeakMap that only
 *     this closure can read. Material's root stays closed to everyone else.
 * The third is the smallest change with the least reach, so it is the one used. It works
 * because this file is a plain `extra_javascript` script: it runs while the page is parsed,
 * and Material mounts diagrams only after DOMContentLoaded and attaches each root after
 * Mermaid's asynchronous render. A host whose root was not seen (another loader drew it)
 * still pans, zooms and goes full screen; its fit is by width alone.
 *
 * A diagram is enhanced when its host appears (a MutationObserver), on the first load and
 * after every page change of Material's instant navigation. The labels come from the first
 * `.sopsite-diagram-words` element of the page (data attributes written by the templates in
 * the document's language), English otherwise; every element is built with createElement
 * and textContent, so no text is parsed as HTML.
 */
(function () {
  "use strict";

  var MIN_LABEL_PX = 12;      // "fit to width" never draws a label smaller than this
  var FULL_MAX_SCALE = 2;     // full screen may enlarge a narrow diagram up to this
  var PAN_STEP = 60;          // px per arrow key press
  var DRAG_SLOP = 4;          // px of pointer travel after which a press is a drag, not a click
  var WORDS = {
    zoomIn: "Zoom in", zoomOut: "Zoom out", fit: "Fit to width", fullScreen: "Full screen",
    close: "Close", controls: "Diagram controls", keys: "", diagram: "Diagram"
  };

  var roots = new WeakMap();
  var attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    var root = attach.call(this, init);
    if (this.classList && this.classList.contains("mermaid")) roots.set(this, root);
    return root;
  };

  var enhanced = new WeakSet();

  function words() {
    var source = document.querySelector(".sopsite-diagram-words");
    var found = {};
    Object.keys(WORDS).forEach(function (key) {
      var value = source && source.dataset[key];
      found[key] = value ? value : WORDS[key];
    });
    return found;
  }

  /* Each button's mark is drawn by the stylesheet (a CSS mask per kind): a text glyph such
     as U+26F6 is missing from many system fonts (the site uses no web font) and showed as
     an empty box, and an <svg> element in the article is what the HTML gate keeps out. */
  var ICONS = { "+": "zoom-in", "\u2212": "zoom-out", "\u2194": "fit", "\u26F6": "full",
                "\u2715": "close" };

  function button(label, glyph, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "sopsite-diagram__button";
    b.setAttribute("aria-label", label);
    b.title = label;
    var mark = document.createElement("span");
    mark.className = "sopsite-diagram__icon sopsite-diagram__icon--" + ICONS[glyph];
    mark.setAttribute("aria-hidden", "true");
    b.appendChild(mark);
    b.addEventListener("click", onClick);
    return b;
  }

  /* The SVG's own size and the smallest label at scale 1, read from the private root. */
  function measure(host) {
    var root = roots.get(host);
    var svg = root ? root.querySelector("svg") : null;
    var box = svg && svg.viewBox && svg.viewBox.baseVal;
    if (!svg || !box || !box.width) {
      var rect = host.getBoundingClientRect();
      return { svg: null, width: rect.width || 1, height: rect.height || 1, minFont: 0 };
    }
    // Drawn at its own size (Mermaid's SVG fills its host up to that size): the transform
    // alone decides how large it appears. The host's width, not the SVG's, is set, so that
    // the print stylesheet can give a printed diagram the page's width again.
    host.style.width = box.width + "px";
    return { svg: svg, width: box.width, height: box.height, minFont: smallestLabel(root) };
  }

  /* The smallest font size, in CSS px at the host's present scale, of any label. */
  function smallestLabel(root) {
    var smallest = Infinity;
    var all = root.querySelectorAll("foreignObject *, text, tspan");
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (!ownText(el)) continue;
      var rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      var size = parseFloat(getComputedStyle(el).fontSize);
      var scale;
      if (el instanceof SVGGraphicsElement) {
        var bbox = el.getBBox();
        scale = bbox.height ? rect.height / bbox.height : 1;
      } else {
        scale = el.offsetWidth ? rect.width / el.offsetWidth : 1;
      }
      smallest = Math.min(smallest, size * scale);
    }
    return smallest === Infinity ? 0 : smallest;
  }

  function ownText(el) {
    for (var n = el.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3 && n.nodeValue.trim()) return true;
    }
    return false;
  }

  /* One pan-and-zoom view of a host inside a viewport (the page's, or the dialog's). */
  function View(host, viewport, size, fullScreen) {
    this.host = host;
    this.viewport = viewport;
    this.size = size;
    this.fullScreen = fullScreen;
    this.zoom = window.Panzoom(host, {
      maxScale: 8,
      minScale: 0.05,
      step: 0.25,
      overflow: "clip",
      cursor: "grab",
      // Inline, one finger still scrolls the page up and down; full screen owns the screen.
      // Panzoom's default start handler cancels the press, so a node's link is not dragged
      // away natively (which would end the pan); the click that follows still arrives.
      touchAction: fullScreen ? "none" : "pan-y"
    });
  }

  View.prototype.scale = function () { return this.zoom.getScale(); };

  /* Put the host's scaled top-left at (left, top) of the viewport at scale s. The host's
     transform origin is its centre (Panzoom's default for HTML). */
  View.prototype.place = function (s, left, top) {
    var cx = this.size.width / 2;
    var cy = this.size.height / 2;
    var x = (left - cx * (1 - s)) / s;
    var y = (top - cy * (1 - s)) / s;
    // Panzoom pans to its start position once, in a timeout after it is made: that start
    // must be this placement, or the first fit would be undone.
    this.zoom.setOptions({ startScale: s, startX: x, startY: y });
    this.zoom.zoom(s, { animate: false, force: true });
    this.zoom.pan(x, y, { animate: false, force: true });
  };

  /* The scale that shows the whole width, but never a label below MIN_LABEL_PX. */
  View.prototype.fitScale = function () {
    var width = this.viewport.clientWidth;
    var fit = Math.min(width / this.size.width, this.fullScreen ? FULL_MAX_SCALE : 1);
    if (this.size.minFont > 0) fit = Math.max(fit, MIN_LABEL_PX / this.size.minFont);
    return fit;
  };

  View.prototype.fit = function () {
    var s = this.fitScale();
    var width = this.viewport.clientWidth;
    if (!this.fullScreen) this.viewport.style.height = Math.ceil(this.size.height * s) + "px";
    this.place(s, Math.max(0, (width - this.size.width * s) / 2), 0);
  };

  View.prototype.zoomBy = function (direction) {
    var r = this.viewport.getBoundingClientRect();
    var s = this.scale() * Math.exp(direction * 0.25);
    this.zoom.zoomToPoint(s, { clientX: r.left + r.width / 2, clientY: r.top + r.height / 2 },
                          { animate: false });
  };

  View.prototype.panBy = function (dx, dy) {
    var s = this.scale();
    this.zoom.pan(dx / s, dy / s, { relative: true, animate: false });
  };

  /* Pan so that a node's link that took the keyboard focus is in view: the viewport clips
     and never scrolls, so the browser cannot bring it there itself. */
  View.prototype.reveal = function () {
    var root = roots.get(this.host);
    var focused = root && root.activeElement;
    if (!focused) return;
    var r = focused.getBoundingClientRect();
    var v = this.viewport.getBoundingClientRect();
    var dx = r.left < v.left ? v.left - r.left + 8 : r.right > v.right ? v.right - r.right - 8 : 0;
    var dy = r.top < v.top ? v.top - r.top + 8 : r.bottom > v.bottom ? v.bottom - r.bottom - 8 : 0;
    if (dx || dy) this.panBy(dx, dy);
  };

  View.prototype.destroy = function () {
    this.zoom.destroy();
    this.host.style.transform = "";
  };

  /* +, -, 0 and the arrows for a view; true when the key was one of them. */
  function keys(view, event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return false;
    switch (event.key) {
      case "+": case "=": view.zoomBy(1); return true;
      case "-": case "\u2212": case "_": view.zoomBy(-1); return true;
      case "0": view.fit(); return true;
      case "ArrowLeft": view.panBy(PAN_STEP, 0); return true;
      case "ArrowRight": view.panBy(-PAN_STEP, 0); return true;
      case "ArrowUp": view.panBy(0, PAN_STEP); return true;
      case "ArrowDown": view.panBy(0, -PAN_STEP); return true;
    }
    return false;
  }

  /* A press that moved is a drag: the click that ends it must not follow a node's link. */
  function guardClicks(viewport) {
    var start = null;
    var dragged = false;
    viewport.addEventListener("pointerdown", function (e) {
      start = { x: e.clientX, y: e.clientY };
      dragged = false;
    }, true);
    viewport.addEventListener("pointermove", function (e) {
      if (start && Math.abs(e.clientX - start.x) + Math.abs(e.clientY - start.y) > DRAG_SLOP) {
        dragged = true;
      }
    }, true);
    viewport.addEventListener("click", function (e) {
      if (dragged) { e.preventDefault(); e.stopPropagation(); }
      start = null;
      dragged = false;
    }, true);
  }

  function toolbar(label, items) {
    var bar = document.createElement("div");
    bar.className = "sopsite-diagram__toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", label);
    items.forEach(function (item) { bar.appendChild(item); });
    return bar;
  }

  function enhance(host) {
    if (enhanced.has(host) || !window.Panzoom || !host.isConnected) return;
    enhanced.add(host);
    var w = words();
    var size = measure(host);
    var figure = document.createElement("div");
    figure.className = "sopsite-diagram";
    var viewport = document.createElement("div");
    viewport.className = "sopsite-diagram__viewport";
    viewport.tabIndex = 0;
    viewport.setAttribute("role", "group");
    viewport.setAttribute("aria-label", w.keys ? w.diagram + ". " + w.keys : w.diagram);
    host.parentNode.insertBefore(figure, host);
    var view = null;
    var open = button(w.fullScreen, "\u26F6", function () { fullScreen(host, size, w, open, restore); });
    var bar = toolbar(w.controls, [
      button(w.zoomIn, "+", function () { view.zoomBy(1); }),
      button(w.zoomOut, "\u2212", function () { view.zoomBy(-1); }),
      button(w.fit, "\u2194", function () { view.fit(); }),
      open
    ]);
    figure.appendChild(bar);
    figure.appendChild(viewport);
    viewport.appendChild(host);
    guardClicks(viewport);
    function restore() {
      viewport.appendChild(host);
      view = new View(host, viewport, size, false);
      view.fit();
    }
    restore();
    figure.addEventListener("keydown", function (event) {
      if (event.target.closest(".sopsite-diagram__toolbar") && event.key.indexOf("Arrow") === 0) {
        return;  // the arrows move between buttons' neighbours natively; leave them
      }
      if (keys(view, event)) event.preventDefault();
    });
    viewport.addEventListener("wheel", function (event) {
      if (event.ctrlKey) view.zoom.zoomWithWheel(event);
    }, { passive: false });
    host.addEventListener("focusin", function () {
      if (!host.closest("dialog")) view.reveal();
    });
    host.sopsiteLeave = function () { view.destroy(); };
  }

  /* The diagram in a modal dialog over the page: the page behind is inert (focus cannot
     leave), Esc closes, and focus goes back to the button that opened it. */
  function fullScreen(host, size, w, opener, restore) {
    host.sopsiteLeave();
    var dialog = document.createElement("dialog");
    dialog.className = "sopsite-diagram-dialog";
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-modal", "true");
    var heading = document.createElement("h2");
    heading.className = "sopsite-diagram-dialog__title";
    heading.id = "sopsite-diagram-dialog-title";
    var root = roots.get(host);
    var title = root && root.querySelector("svg > title");
    heading.textContent = title && title.textContent.trim() ? title.textContent.trim() : w.diagram;
    dialog.setAttribute("aria-labelledby", heading.id);
    var viewport = document.createElement("div");
    viewport.className = "sopsite-diagram__viewport sopsite-diagram-dialog__viewport";
    viewport.tabIndex = 0;
    viewport.setAttribute("role", "group");
    viewport.setAttribute("aria-label", w.keys ? w.diagram + ". " + w.keys : w.diagram);
    var view = null;
    var closed = false;
    function close(returnFocus) {
      if (closed) return;
      closed = true;
      view.destroy();
      window.removeEventListener("hashchange", onHash);
      host.removeEventListener("focusin", onFocus);
      if (dialog.open) dialog.close();
      dialog.remove();
      restore();
      if (returnFocus) opener.focus({ preventScroll: !returnFocus.scroll });
    }
    // A node's link leads to its step on the page: the dialog gets out of the way.
    function onHash() { close({ scroll: false }); }
    function onFocus() { view.reveal(); }
    var closer = button(w.close, "\u2715", function () { close({ scroll: true }); });
    closer.classList.add("sopsite-diagram__close");
    var header = document.createElement("div");
    header.className = "sopsite-diagram-dialog__header";
    header.appendChild(heading);
    header.appendChild(toolbar(w.controls, [
      button(w.zoomIn, "+", function () { view.zoomBy(1); }),
      button(w.zoomOut, "\u2212", function () { view.zoomBy(-1); }),
      button(w.fit, "\u2194", function () { view.fit(); }),
      closer
    ]));
    dialog.appendChild(header);
    dialog.appendChild(viewport);
    document.body.appendChild(dialog);
    dialog.showModal();
    viewport.appendChild(host);
    guardClicks(viewport);
    view = new View(host, viewport, size, true);
    view.fit();
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault();  // Esc: close the same way as the button does
      close({ scroll: true });
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        close({ scroll: true });
      } else if (!(event.target.closest(".sopsite-diagram__toolbar") &&
                   event.key.indexOf("Arrow") === 0) && keys(view, event)) {
        event.preventDefault();
      }
    });
    viewport.addEventListener("wheel", function (event) { view.zoom.zoomWithWheel(event); },
                              { passive: false });
    host.addEventListener("focusin", onFocus);
    window.addEventListener("hashchange", onHash);
    closer.focus();
  }

  function scan(node) {
    if (node.nodeType !== 1) return;
    if (node.matches("div.mermaid")) enhance(node);
    var inside = node.querySelectorAll ? node.querySelectorAll("div.mermaid") : [];
    for (var i = 0; i < inside.length; i++) enhance(inside[i]);
  }

  function start() {
    scan(document.body);
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        record.addedNodes.forEach(scan);
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
