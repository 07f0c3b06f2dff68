"""Pan, zoom, "fit to width" and full screen on every diagram (sopsite-diagram.js), in a real
headless Chromium at a desktop (1400 px) and a phone (390 px) width.

Sizes are measured from the SVG itself, not taken from the script: each diagram's closed
shadow root is reached through the DevTools protocol (`DOM.getDocument` with `pierce`), and
in it every label's font size is its computed size times the scale it is drawn at (its
`getBoundingClientRect()` against its own untransformed box), which includes Panzoom's
transform and the SVG's viewBox scaling.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.browser import Session
from tests.test_browser import (
    FINNISH_PAGE,
    SOP_PAGE,
    Site,
    _built_site,
    _pierced_document,
    assert_clean,
    wait_for_diagrams,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROLLOUT_PAGE = "processes/proc-sw-rollout/"
"""PROC-SW-ROLLOUT: a long flow (overview and two parts) and the rollout's Gantt."""
WIDTHS = (1400, 390)
MIN_LABEL_PX = 12.0
BUTTONS = {"en": ["Zoom in", "Zoom out", "Fit to width", "Full screen"],
           "fi": ["Lähennä", "Loitonna", "Sovita leveyteen", "Koko näyttö"]}

MEASURE = """function () {
    const host = this.host;
    const svg = this.querySelector('svg');
    const viewport = host.parentElement.getBoundingClientRect();
    const inside = (a, b, slack) => a.left >= b.left - slack && a.right <= b.right + slack
        && a.top >= b.top - slack && a.bottom <= b.bottom + slack;
    const plain = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                         width: r.width, height: r.height});
    const labels = [];
    for (const el of this.querySelectorAll('foreignObject *, text, tspan')) {
        if (![...el.childNodes].some(n => n.nodeType === 3 && n.nodeValue.trim())) continue;
        const r = el.getBoundingClientRect();
        if (!r.width || !r.height) continue;
        const size = parseFloat(getComputedStyle(el).fontSize);
        const scale = el instanceof SVGGraphicsElement ? r.height / el.getBBox().height
                                                       : r.width / el.offsetWidth;
        // The box the label belongs to: a node's shape, a lane's or a group's rectangle.
        const owner = el.closest('g.node, g.cluster');
        let box = null;
        if (owner) {
            const shape = owner.matches('g.cluster') ? owner.querySelector(':scope > rect')
                : owner.querySelector(':scope > :is(rect, polygon, path, circle, g)');
            if (shape) box = shape.getBoundingClientRect();
        }
        labels.push({text: el.textContent.trim(), px: size * scale, rect: plain(r),
                     inNode: box === null || inside(r, box, 1.5),
                     box: box && plain(box)});
    }
    return {title: (svg.querySelector(':scope > title') || {}).textContent || svg.id,
            viewport: plain(viewport), svg: plain(svg.getBoundingClientRect()),
            dialog: !!host.closest('dialog'), labels};
}"""


def measure_diagrams(page: Any) -> list[dict[str, Any]]:
    """Each drawn diagram's labels (text, font px as drawn, box) and its viewport's box."""
    cdp = page.context.new_cdp_session(page)
    try:
        roots: list[int] = []

        def walk(node: dict[str, Any]) -> None:
            attributes = node.get("attributes", [])
            pairs = dict(zip(attributes[::2], attributes[1::2], strict=True))
            if "mermaid" in pairs.get("class", "").split() and node.get("shadowRoots"):
                roots.append(int(node["shadowRoots"][0]["nodeId"]))
            for child in node.get("children", []):
                walk(child)

        walk(_pierced_document(cdp))
        found = []
        for node_id in roots:
            handle = cdp.send("DOM.resolveNode", {"nodeId": node_id})["object"]
            result = cdp.send("Runtime.callFunctionOn", {
                "objectId": handle["objectId"], "functionDeclaration": MEASURE,
                "returnByValue": True})
            assert "exceptionDetails" not in result, result
            found.append(result["result"]["value"])
        return found
    finally:
        cdp.detach()


def smallest(diagram: dict[str, Any]) -> float:
    return min(label["px"] for label in diagram["labels"])


def settle(page: Any) -> None:
    """Panzoom applies each transform in the next animation frame: wait for two."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => "
                  "requestAnimationFrame(() => r(null))))")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from _built_site(tmp_path_factory.mktemp("diagram-view"), "mkdocs.yml")


def open_page(web: Session, site: Site, path: str, width: int, *,
              enhanced: bool = True) -> Any:
    page = web.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    if not enhanced:
        page.route("**/sopsite-diagram.js", lambda route: route.fulfill(body="",
                   content_type="text/javascript"))
    page.goto(site.page(path), wait_until="load")
    wait_for_diagrams(page, site.diagrams_in(path))
    if enhanced:
        page.wait_for_function(
            "n => document.querySelectorAll('.sopsite-diagram').length === n",
            arg=site.diagrams_in(path))
    settle(page)
    return page


def toolbar_buttons(page: Any, index: int) -> Any:
    return page.locator(".sopsite-diagram").nth(index).locator(
        ".sopsite-diagram__toolbar button")


@pytest.mark.parametrize("width", WIDTHS)
def test_fit_to_width_and_zoom_in_never_draw_a_label_below_12px(
        site: Site, web: Session, width: int) -> None:
    before = measure_diagrams(open_page(web, site, ROLLOUT_PAGE, width, enhanced=False))
    page = open_page(web, site, ROLLOUT_PAGE, width)
    count = site.diagrams_in(ROLLOUT_PAGE)
    assert count == len(before) == 4  # overview, two parts, the Gantt
    figures = []
    for index in range(count):
        toolbar_buttons(page, index).nth(2).click()  # Fit to width
        settle(page)
        fitted = measure_diagrams(page)[index]
        toolbar_buttons(page, index).nth(0).click()  # Zoom in
        settle(page)
        zoomed = measure_diagrams(page)[index]
        figures.append((fitted["title"], smallest(before[index]), smallest(fitted),
                        smallest(zoomed)))
        assert smallest(fitted) >= MIN_LABEL_PX, figures[-1]
        assert smallest(zoomed) >= MIN_LABEL_PX, figures[-1]
        assert smallest(zoomed) > smallest(fitted) * 1.1, figures[-1]
    # the part and the Gantt were drawn too small before: the reason for the whole feature
    assert min(f[1] for f in figures) < MIN_LABEL_PX, figures
    print(f"\n{width}px: " + "; ".join(f"{t}: {b:.1f} -> fit {f:.1f}, zoom in {z:.1f}"
                                      for t, b, f, z in figures))
    assert_clean(web)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", [ROLLOUT_PAGE, FINNISH_PAGE])
def test_no_label_is_clipped_in_the_fitted_view(site: Site, web: Session, path: str,
                                                width: int) -> None:
    page = open_page(web, site, path, width)
    for diagram in measure_diagrams(page):
        view, svg = diagram["viewport"], diagram["svg"]
        wider = svg["width"] > view["width"] + 1  # fitted to 12 px: the reader pans across
        for label in diagram["labels"]:
            rect, where = label["rect"], f"{path} {width}px {diagram['title']}: {label}"
            assert label["inNode"], f"label outside its box: {where}"
            assert rect["top"] >= view["top"] - 1, f"label cut by the top: {where}"
            assert rect["bottom"] <= view["bottom"] + 1, f"label cut by the bottom: {where}"
            assert rect["left"] >= svg["left"] - 1, where
            assert rect["right"] <= svg["right"] + 1, where
            if wider:
                assert rect["width"] <= view["width"], f"label wider than the view: {where}"
                assert rect["left"] >= view["left"] - 1 or rect["right"] <= view["left"], where
            else:
                assert rect["left"] >= view["left"] - 1, f"label cut on the left: {where}"
                assert rect["right"] <= view["right"] + 1, f"label cut on the right: {where}"
        if wider:
            # the view starts at the diagram's left edge and panning reaches the right one
            assert abs(svg["left"] - view["left"]) <= 1, diagram["title"]
    assert_clean(web)


def test_full_screen_opens_with_the_keyboard_and_esc_returns_focus(
        site: Site, web: Session) -> None:
    page = open_page(web, site, ROLLOUT_PAGE, 1400)
    target = toolbar_buttons(page, 2).nth(3)
    assert target.get_attribute("aria-label") == "Full screen"
    target.evaluate("b => b.setAttribute('data-test-target', '')")
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.hasAttribute('data-test-target')"):
            break
    else:
        pytest.fail("Tab never reached the third diagram's Full screen button")
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.sopsite-diagram-dialog")
    dialog.wait_for()
    assert dialog.get_attribute("role") == "dialog"
    assert dialog.get_attribute("aria-modal") == "true"
    assert page.evaluate("document.querySelector('dialog').open")
    settle(page)
    large = measure_diagrams(page)
    shown = [d for d in large if d["dialog"]]
    assert len(shown) == 1
    assert smallest(shown[0]) >= MIN_LABEL_PX
    assert shown[0]["viewport"]["width"] > 1300  # the whole window, not the column
    # focus stays in the dialog, however often Tab is pressed
    for _ in range(12):
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('dialog')"), (
            "focus left the full-screen dialog")
    before = smallest(shown[0])
    page.locator("dialog .sopsite-diagram__viewport").focus()
    page.keyboard.press("+")
    settle(page)
    after = smallest(next(d for d in measure_diagrams(page) if d["dialog"]))
    assert after > before * 1.1
    page.keyboard.press("0")
    settle(page)
    assert smallest(next(d for d in measure_diagrams(page) if d["dialog"])) == pytest.approx(
        before, rel=0.01)
    page.keyboard.press("Escape")
    page.wait_for_function("!document.querySelector('dialog.sopsite-diagram-dialog')")
    assert page.evaluate("document.activeElement.hasAttribute('data-test-target')"), (
        "focus did not return to the Full screen button")
    settle(page)
    assert not any(d["dialog"] for d in measure_diagrams(page))
    assert page.locator(".sopsite-diagram").nth(2).locator("div.mermaid").count() == 1
    assert_clean(web)


@pytest.mark.parametrize(("path", "language"),
                         [(ROLLOUT_PAGE, "en"), (SOP_PAGE, "en"), (FINNISH_PAGE, "fi")])
def test_every_diagram_of_a_page_has_the_toolbar(site: Site, web: Session, path: str,
                                                 language: str) -> None:
    page = open_page(web, site, path, 390)
    count = site.diagrams_in(path)
    assert page.locator(".sopsite-diagram").count() == count
    for index in range(count):
        names = toolbar_buttons(page, index).evaluate_all(
            "bs => bs.map(b => b.tagName === 'BUTTON' && b.type === 'button' "
            "? b.getAttribute('aria-label') : null)")
        assert names == BUTTONS[language], (path, index, names)
    assert_clean(web)


def test_every_page_with_a_diagram_gets_the_toolbar(site: Site, web: Session) -> None:
    page = web.new_page()
    for path in site.diagram_pages:
        page.goto(site.page(path), wait_until="load")
        count = site.diagrams_in(path)
        wait_for_diagrams(page, count)
        page.wait_for_function(
            "n => document.querySelectorAll('.sopsite-diagram__toolbar').length === n",
            arg=count)
    assert_clean(web)


def test_dragging_a_node_pans_instead_of_following_its_link(site: Site, web: Session) -> None:
    from tests.test_browser import _locate_shadow_link, shadow_links

    page = open_page(web, site, SOP_PAGE, 390)
    # A node the fitted view shows (a wide chart at 12 px shows its left part first).
    for href in shadow_links(page):
        x, y = _locate_shadow_link(page, href)
        if 40 < x < 350:
            break
    else:
        pytest.fail("no node of the diagram is in view")
    before = measure_diagrams(page)[0]["svg"]
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 40, y, steps=5)
    page.mouse.up()
    settle(page)
    after = measure_diagrams(page)[0]["svg"]
    assert after["left"] == pytest.approx(before["left"] - 40, abs=2)
    assert "#step-" not in page.url, "the drag followed the node's link"
    x, y = _locate_shadow_link(page, href)
    page.mouse.click(x, y)
    page.wait_for_function("h => location.hash === h", arg=href)
    assert_clean(web)


def luminance(rgb: str) -> float:
    parts = [float(p) for p in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]

    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(p) for p in parts)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


LABEL_COLOURS = """function () {
    return [...this.querySelectorAll('span.nodeLabel, g.tick text, text.taskText')]
        .map(e => getComputedStyle(e).color || getComputedStyle(e).fill);
}"""


def test_diagrams_and_controls_are_readable_in_the_dark_scheme(site: Site, web: Session) -> None:
    # The example site has no palette toggle, so Material does not link its palette
    # stylesheet; a site with `theme.palette` links it and sets the scheme on the body.
    palette = next((site.root / "assets" / "stylesheets").glob("palette.*.min.css")).name
    page = web.new_page()
    page.add_init_script(
        "document.addEventListener('DOMContentLoaded', () => {"
        " const link = document.createElement('link'); link.rel = 'stylesheet';"
        f" link.href = new URL('assets/stylesheets/{palette}', '{site.url}').href;"
        " document.head.appendChild(link);"
        " document.body.setAttribute('data-md-color-scheme', 'slate'); })")
    page.goto(site.page(ROLLOUT_PAGE), wait_until="load")
    wait_for_diagrams(page, site.diagrams_in(ROLLOUT_PAGE))
    background = page.evaluate(
        "getComputedStyle(document.querySelector('.md-main')).backgroundColor "
        "|| getComputedStyle(document.body).backgroundColor")
    body = page.evaluate("getComputedStyle(document.body).backgroundColor")
    dark = luminance(body if "0, 0, 0, 0" in background else background)
    assert dark < 0.05, f"the slate scheme did not apply: {background} / {body}"
    cdp = page.context.new_cdp_session(page)
    try:
        colours: list[str] = []

        def walk(node: dict[str, Any]) -> None:
            attributes = node.get("attributes", [])
            pairs = dict(zip(attributes[::2], attributes[1::2], strict=True))
            if "mermaid" in pairs.get("class", "").split() and node.get("shadowRoots"):
                handle = cdp.send("DOM.resolveNode",
                                  {"nodeId": node["shadowRoots"][0]["nodeId"]})["object"]
                colours.extend(cdp.send("Runtime.callFunctionOn", {
                    "objectId": handle["objectId"], "functionDeclaration": LABEL_COLOURS,
                    "returnByValue": True})["result"]["value"])
            for child in node.get("children", []):
                walk(child)

        walk(_pierced_document(cdp))
    finally:
        cdp.detach()
    assert colours
    for colour in colours:
        contrast = (luminance(colour) + 0.05) / (dark + 0.05)
        assert contrast >= 4.5, f"label colour {colour} on {background}: {contrast:.1f}"
    button = page.locator(".sopsite-diagram__button").first
    colour = button.evaluate("b => getComputedStyle(b).color")
    fill = button.evaluate("b => getComputedStyle(b).backgroundColor")
    assert (luminance(colour) + 0.05) / (luminance(fill) + 0.05) >= 4.5, (colour, fill)
    assert_clean(web)


def test_a_long_label_is_drawn_whole() -> None:
    from generator.render.flowchart import label
    from generator.render.mermaid import MAX_LABEL

    text = "Check " + "every single word of this long step title " * 3
    drawn = label(text)
    assert len(" ".join(text.split())) > MAX_LABEL
    assert "#8230;" not in drawn
    assert drawn.endswith('title"')


