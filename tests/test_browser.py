"""The built example handbook in a real headless Chromium, with no network beyond 127.0.0.1.

The handbook (mkdocs.yml, sops/, docs/) is copied to a temporary folder and built once per
module with `sopsite build`, with `mermaid_js` pointing to the repository's npm Mermaid and
`site_url` set to the static test server's own address (Material's instant navigation only
intercepts clicks on that origin). The mermaid2 alternative (mkdocs.mermaid2.yml) is built the
same way on a second server.

Material renders each diagram into a *closed* shadow root, so the tests check the rendered
box of each diagram, and reach the flowchart's nodes through the DevTools protocol
(`DOM.getDocument` with `pierce`), which sees closed shadow roots, then click them with the
real mouse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.support.browser import (
    Session,
    StaticServer,
    build,
    copy_handbook,
    pages_with_diagrams,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SOP_PAGE = "procedures/sop-it-ci/"
FINNISH_PAGE = "procedures/sop-cs-users/"
NO_DIAGRAM_PAGE = "catalogue/"
EXPECTED_DIAGRAM_PAGES = {SOP_PAGE, FINNISH_PAGE}
"""Pages that must have a flowchart; the walk of site/ may find more (processes)."""

SOP_STEPS = [
    "gather-deployment-data", "document-configuration-and-issues", "prepare-feedback",
    "analyse-trends", "hold-review-meeting", "decide-on-improvement", "plan-change",
    "update-documentation", "deliver-training", "close-cycle",
]
"""The step ids of sops/sops/SOP-IT-CI.yml, in order."""


@dataclass(frozen=True)
class Site:
    """A built site and the address it is served from."""

    root: Path
    url: str
    diagram_pages: list[str]

    def page(self, path: str) -> str:
        return urljoin(self.url, path)

    def diagrams_in(self, path: str) -> int:
        html = (self.root / path / "index.html").read_text(encoding="utf-8")
        return html.count('class="mermaid"')


def _built_site(tmp: Path, config: str) -> Iterator[Site]:
    configs = ("mkdocs.yml",) if config == "mkdocs.yml" else ("mkdocs.yml", config)
    site_dir = tmp / "site"
    # Bind the server first: the site is built for the address it is served from.
    with StaticServer(site_dir) as server:
        copy_handbook(tmp, site_url=server.url, configs=configs)
        build(tmp / config, site_dir)
        yield Site(site_dir, server.url, pages_with_diagrams(site_dir))


@pytest.fixture(scope="module")
def native_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The handbook built with Material's native Mermaid (mkdocs.yml)."""
    yield from _built_site(tmp_path_factory.mktemp("native"), "mkdocs.yml")


@pytest.fixture(scope="module")
def mermaid2_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The handbook built with mkdocs-mermaid2-plugin (mkdocs.mermaid2.yml)."""
    yield from _built_site(tmp_path_factory.mktemp("mermaid2"), "mkdocs.mermaid2.yml")


@pytest.fixture(params=["native", "mermaid2"])
def any_site(request: pytest.FixtureRequest) -> Site:
    """Each way of drawing diagrams in turn."""
    site: Site = request.getfixturevalue(f"{request.param}_site")
    return site


def assert_clean(web: Session) -> None:
    """No request left the machine and no page logged an error."""
    assert web.blocked == [], f"requests to other hosts were attempted: {web.blocked}"
    assert web.console_errors == [], f"console errors: {web.console_errors}"


# --- helpers in the page ---------------------------------------------------------------------


def wait_for_diagrams(page: Any, expected: int) -> list[float]:
    """Wait until Material has drawn ``expected`` diagrams; return their heights.

    Material swaps each ``<pre class="mermaid">`` for a ``<div class="mermaid">`` holding the
    SVG in a closed shadow root, only when Mermaid rendered it; a failed diagram stays raw.
    """
    try:
        page.wait_for_function(
            """n => document.querySelectorAll('div.mermaid').length === n
                   && document.querySelectorAll('pre.mermaid, pre > code.mermaid').length === 0
                   && [...document.querySelectorAll('div.mermaid')]
                        .every(e => e.getBoundingClientRect().height > 0)""",
            arg=expected,
        )
    except Exception as error:
        state = page.evaluate(
            """() => [...document.querySelectorAll('.mermaid')].map(
                   e => `${e.tagName} ${e.getBoundingClientRect().height}`)""")
        pytest.fail(f"{page.url}: {expected} diagram(s) expected to render; found {state} "
                    f"({type(error).__name__})")
    heights: list[float] = page.evaluate(
        "[...document.querySelectorAll('.mermaid')].map(e => e.getBoundingClientRect().height)")
    text = page.inner_text("body")
    assert "Syntax error" not in text, f"{page.url}: Mermaid reported a syntax error"
    return heights


def _links_in_shadow_roots(node: dict[str, Any], found: dict[str, int],
                           in_shadow: bool = False) -> dict[str, int]:
    """``href -> node id`` of the links in shadow roots under a pierced DevTools DOM node."""
    if in_shadow and node.get("localName") == "a":
        attributes = node.get("attributes", [])
        pairs = dict(zip(attributes[::2], attributes[1::2], strict=True))
        href = pairs.get("xlink:href") or pairs.get("href")
        if href:
            found[href] = int(node["nodeId"])
    for child in node.get("children", []):
        _links_in_shadow_roots(child, found, in_shadow)
    for shadow in node.get("shadowRoots", []):
        _links_in_shadow_roots(shadow, found, True)
    return found


def _pierced_document(cdp: Any) -> dict[str, Any]:
    """The whole DOM, closed shadow roots included (the DevTools protocol sees them)."""
    root: dict[str, Any] = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    return root


def shadow_links(page: Any) -> list[str]:
    """The ``href`` of every link inside a (closed) shadow root of ``page``, e.g. a diagram's."""
    cdp = page.context.new_cdp_session(page)
    try:
        return list(_links_in_shadow_roots(_pierced_document(cdp), {}))
    finally:
        cdp.detach()


def click_shadow_link(page: Any, href: str) -> None:
    """Click, with the real mouse, the link ``href`` drawn inside a closed shadow root.

    Playwright's locators stop at closed shadow roots; the DevTools protocol does not. The
    node is scrolled to the middle of the viewport; a node the diagram's view does not show
    (a wide chart fitted at a readable size shows its left part) is panned into it with the
    arrow keys, as a reader would; the point is checked to hit the diagram (nothing such as
    the back-to-top button covers it), then the mouse clicks there.
    """
    for attempt in range(5):
        try:
            x, y = _locate_shadow_link(page, href)
            for _ in range(60):
                key = page.evaluate(PAN_KEY, [x, y])
                if key is None:
                    break
                page.keyboard.press(key)
                page.evaluate("() => new Promise(r => requestAnimationFrame("
                              "() => requestAnimationFrame(r)))")
                x, y = _locate_shadow_link(page, href)
            break
        except PlaywrightError as error:
            # The DOM changed between two protocol calls (Material swapped the content):
            # look again.
            if "No node with given id" not in str(error) or attempt == 4:
                raise
            wait_until_quiet(page)
    hit = page.evaluate(
        """([x, y]) => { const e = document.elementFromPoint(x, y);
                         return e === null ? null : e.closest('.mermaid') ? 'diagram'
                                : e.outerHTML.slice(0, 120); }""", [x, y])
    assert hit == "diagram", f"{page.url}: the node for {href} is covered by {hit}"
    page.mouse.click(x, y)


PAN_KEY = """([x, y]) => {
    const view = [...document.querySelectorAll('.sopsite-diagram__viewport')].find(v => {
        const r = v.getBoundingClientRect(); return y >= r.top && y <= r.bottom; });
    if (!view) return null;
    const r = view.getBoundingClientRect();
    const key = x < r.left + 20 ? 'ArrowLeft' : x > r.right - 20 ? 'ArrowRight' : null;
    if (key) view.focus({preventScroll: true});
    return key;
}"""
"""The arrow key that pans the diagram view holding the point towards it; null when the
point is inside a diagram view (or in none)."""


def _locate_shadow_link(page: Any, href: str) -> tuple[float, float]:
    """Scroll the shadow-root link ``href`` to the middle; return its centre."""
    cdp = page.context.new_cdp_session(page)
    try:
        links = _links_in_shadow_roots(_pierced_document(cdp), {})
        assert href in links, f"{page.url}: no diagram node links to {href}; links: {links}"
        node = cdp.send("DOM.resolveNode", {"nodeId": links[href]})["object"]
        cdp.send("Runtime.callFunctionOn", {
            "objectId": node["objectId"],
            "functionDeclaration": "function () { this.scrollIntoView({block: 'center'}); }",
        })
        quads = cdp.send("DOM.getContentQuads", {"nodeId": links[href]})["quads"]
    finally:
        cdp.detach()
    assert quads, f"{page.url}: the diagram node for {href} has no box"
    return sum(quads[0][0::2]) / 4, sum(quads[0][1::2]) / 4


def wait_until_quiet(page: Any, quiet_ms: int = 500) -> None:
    """Wait until the page's DOM has not changed for ``quiet_ms`` (bounded by TIMEOUT_MS)."""
    page.evaluate(
        """() => {
            window.__lastMutation = performance.now();
            if (window.__quietObserver) return;
            window.__quietObserver = new MutationObserver(() => {
                window.__lastMutation = performance.now();
            });
            window.__quietObserver.observe(document.documentElement,
                                           {subtree: true, childList: true});
        }""")
    page.wait_for_function("ms => performance.now() - window.__lastMutation > ms",
                           arg=quiet_ms, polling=100)


HEADING_VISIBLE = """id => {
    const heading = document.getElementById(id);
    const r = heading.getBoundingClientRect();
    if (r.height <= 0 || r.top < 0 || r.bottom > innerHeight) return false;
    // Scrolled to, not merely somewhere on screen: the heading sits at the top.
    if (r.top > innerHeight / 3) return false;
    // Not hidden under Material's sticky header: the heading itself is what is drawn there.
    const hit = document.elementFromPoint(r.left + 4, r.top + r.height / 2);
    return hit !== null && heading.contains(hit);
}"""
"""True when the element ``id`` is at the top of the viewport and not covered by anything."""


def path_of(url: str, site: Site) -> str:
    """The site-relative path of ``url`` (``procedures/sop-it-ci/``), without the fragment."""
    path = urlsplit(url).path
    base = urlsplit(site.url).path
    assert path.startswith(base), url
    return path[len(base):]


def search(page: Any, query: str) -> list[str]:
    """Type ``query`` into Material's search box; return the result pages' paths in order."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("")
    box.press_sequentially(query, delay=20)
    meta = page.locator(".md-search-result__meta")
    # The worker answers after the index is loaded; the meta line then counts the matches.
    page.wait_for_function(
        """() => { const m = document.querySelector('.md-search-result__meta');
                   return m && /matching document/.test(m.textContent); }""")
    text = meta.inner_text()
    links = page.eval_on_selector_all(
        ".md-search-result__list > li.md-search-result__item > a.md-search-result__link",
        "els => els.map(a => a.href)")
    assert links, f"search for {query!r} found nothing ({text!r})"
    return list(dict.fromkeys(urlsplit(link).path for link in links))


# --- the tests -------------------------------------------------------------------------------


def test_the_site_has_pages_with_and_without_diagrams(native_site: Site) -> None:
    assert set(native_site.diagram_pages) >= EXPECTED_DIAGRAM_PAGES
    assert NO_DIAGRAM_PAGE not in native_site.diagram_pages
    assert native_site.diagrams_in(NO_DIAGRAM_PAGE) == 0


def test_every_diagram_renders(any_site: Site, web: Session) -> None:
    assert set(any_site.diagram_pages) >= EXPECTED_DIAGRAM_PAGES
    page = web.new_page()
    for path in any_site.diagram_pages:
        page.goto(any_site.page(path), wait_until="load")
        heights = wait_for_diagrams(page, any_site.diagrams_in(path))
        assert heights, path
        assert all(h > 50 for h in heights), f"{path}: a diagram is suspiciously small: {heights}"
    assert_clean(web)


def test_diagram_nodes_link_to_existing_steps(native_site: Site, web: Session) -> None:
    """Every node's link in every diagram points to a heading on the same page."""
    page = web.new_page()
    for path in native_site.diagram_pages:
        page.goto(native_site.page(path), wait_until="load")
        wait_for_diagrams(page, native_site.diagrams_in(path))
        links = shadow_links(page)
        assert links, f"{path}: the diagram has no clickable nodes"
        # a step's node links to the step; a long flow's overview and its "continues in"
        # boxes link to the heading of another part's diagram
        targets = [href for href in links if href.startswith(("#step-", "#diagram-"))]
        assert targets == links, f"{path}: node links that are neither steps nor parts: {links}"
        assert any(href.startswith("#step-") for href in links), path
        missing = page.evaluate(
            "hrefs => hrefs.filter(href => !document.getElementById(href.slice(1)))", targets)
        assert missing == [], f"{path}: diagram links to missing headings: {missing}"
    assert_clean(web)


def test_instant_navigation_to_a_page_with_a_diagram(any_site: Site, web: Session) -> None:
    page = web.new_page()
    page.goto(any_site.page(NO_DIAGRAM_PAGE), wait_until="load")
    assert page.locator(".mermaid").count() == 0
    page.evaluate("window.__marker = 1")
    # A link in the sidebar; should the navigation not list the page here (pruned), the
    # catalogue's own link to it is the same kind of same-origin link for Material.
    link = page.locator(f"nav.md-nav a.md-nav__link[href$='{SOP_PAGE}']").filter(visible=True)
    if link.count() == 0:
        link = page.locator(f"article a[href$='{SOP_PAGE}']").filter(visible=True)
    assert link.count() > 0, f"{NO_DIAGRAM_PAGE} has no visible link to {SOP_PAGE}"
    link.first.click()
    page.wait_for_url(any_site.page(SOP_PAGE))
    wait_for_diagrams(page, any_site.diagrams_in(SOP_PAGE))
    assert page.evaluate("window.__marker") == 1, (
        "the click was a full page load, not Material's instant navigation")
    assert_clean(web)


def test_clicking_a_flowchart_node_scrolls_to_its_step(native_site: Site, web: Session) -> None:
    page = web.new_page()
    page.goto(native_site.page(SOP_PAGE), wait_until="load")
    diagrams = native_site.diagrams_in(SOP_PAGE)
    wait_for_diagrams(page, diagrams)
    assert set(shadow_links(page)) == {f"#step-{step}" for step in SOP_STEPS}
    page.evaluate("window.__marker = 1")
    for step in reversed(SOP_STEPS):
        target = f"step-{step}"
        click_shadow_link(page, f"#{target}")
        page.wait_for_function("h => location.hash === h", arg=f"#{target}")
        # Material may answer the hash change by swapping the content in (instant
        # navigation), which draws the diagram again: let the page settle first.
        wait_until_quiet(page)
        wait_for_diagrams(page, diagrams)
        try:
            page.wait_for_function(HEADING_VISIBLE, arg=target, timeout=10_000)
        except Exception:
            box = page.evaluate("id => document.getElementById(id).getBoundingClientRect().top",
                                target)
            pytest.fail(f"clicking the node of {step} did not bring its heading into view "
                        f"(heading top at {box}px)")
        assert path_of(page.url, native_site) == SOP_PAGE
    assert page.evaluate("window.__marker") == 1
    assert_clean(web)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Analyse trends and draft proposals", [SOP_PAGE]),
        ("SOP-IT-CI", [SOP_PAGE]),
        ("Level 1 Technician", ["roles/level-1-technician/", SOP_PAGE]),
    ],
    ids=["step-title", "document-id", "role-name"],
)
def test_search_finds_the_sop(native_site: Site, web: Session, query: str,
                              expected: list[str]) -> None:
    page = web.new_page()
    page.goto(native_site.page(""), wait_until="load")
    found = [path_of(link, native_site) for link in search(page, query)]
    for path in expected:
        assert path in found, f"search for {query!r} lists {found}, not {path}"
    assert_clean(web)


@pytest.mark.parametrize(
    ("path", "shown", "absent"),
    [
        (FINNISH_PAGE, ["Vaiheet", "Asiakirjan hallinta", "Vuokaavio"],
         ["Steps", "Document control", "Flowchart"]),
        (SOP_PAGE, ["Steps", "Document control", "Flowchart"],
         ["Vaiheet", "Asiakirjan hallinta", "Vuokaavio"]),
    ],
    ids=["finnish", "english"],
)
def test_page_labels_follow_the_document_language(native_site: Site, web: Session, path: str,
                                                  shown: list[str], absent: list[str]) -> None:
    page = web.new_page()
    page.goto(native_site.page(path), wait_until="load")
    headings = [re.sub(r"\s*¶$", "", h).strip()
                for h in page.locator("article h2").all_inner_texts()]
    for label in shown:
        assert label in headings, f"{path}: no heading {label!r} in {headings}"
    for label in absent:
        assert label not in headings, f"{path}: heading {label!r} in the wrong language"
    wait_for_diagrams(page, native_site.diagrams_in(path))
    assert_clean(web)


# --- training: the self-assessment and the printable checklist ------------------------------

MODULE_PAGE = "training/sop-it-ci/"


def _quiz_of_sop_it_ci() -> list[Any]:
    """The questions as the YAML defines them: the page must agree with this answer key."""
    from generator.load.handbook import load_handbook

    repo = Path(__file__).resolve().parents[1]
    handbook, _ = load_handbook(repo / "sops")
    doc = handbook.document_index["SOP-IT-CI"]
    assert doc.training is not None
    return list(doc.training.quiz)


def answer(page: Any, question: Any, *, right: bool) -> None:
    """Fill in one question the way a learner would, rightly or wrongly, and press Check."""
    block = page.locator(f"#q-{question.id}")
    keys = question.answer_keys()
    if question.kind == "ordering":
        shown = block.locator("li[data-option]").evaluate_all(
            "items => items.map(li => li.dataset.option)")
        order = keys if right else list(reversed(keys))
        for li_index, key in enumerate(shown):
            block.locator("select").nth(li_index).select_option(str(order.index(key) + 1))
    else:
        options = block.locator("input.sq-input").evaluate_all(
            "inputs => inputs.map(i => i.value)")
        wrong = [o for o in options if o not in keys]
        picks = keys if right else wrong[:1]
        for value in options:
            box = block.locator(f"input.sq-input[value='{value}']")
            if value in picks:
                box.check()
            elif question.kind == "multiple":
                box.uncheck()
    block.locator(".sq-check").click()


def test_quiz_gives_feedback_explanation_and_a_score_that_adds_up(
    native_site: Site, web: Session
) -> None:
    questions = _quiz_of_sop_it_ci()
    page = web.new_page()
    page.goto(native_site.page(MODULE_PAGE), wait_until="load")
    score = page.locator(".sq-score")
    assert score.inner_text() == (
        "Answer the questions to see your score; only first attempts count.")
    first = questions[0]
    block = page.locator(f"#q-{first.id}")
    assert block.locator("details").get_attribute("open") is None
    # No peeking: the answer is not on the page until the question is checked.
    assert page.locator(".sopsite-quiz details:visible").count() == 0
    block.locator(".sq-check").click()
    assert block.locator(".sq-feedback").inner_text() == "Choose an answer first."
    assert not block.locator("details").is_visible()
    answer(page, first, right=False)
    assert block.locator(".sq-feedback").inner_text() == "Not quite."
    assert block.get_attribute("data-result") == "wrong"
    assert block.locator("details").is_visible()
    assert block.locator("details").get_attribute("open") is not None
    assert block.locator("details").inner_text().count(first.explanation.split("*")[0][:30]) == 1
    assert score.inner_text() == f"Score: 0 / {len(questions)}"
    answer(page, first, right=True)
    # a retry is practice: it is marked, and the score keeps the first attempt
    assert block.locator(".sq-feedback").inner_text() == (
        "Correct. A retry is practice: only first attempts count towards the score.")
    assert score.inner_text() == (
        f"Score: 0 / {len(questions)} \u00b7 right on a retry (practice): 1")
    # Every kind of question, answered right except the last one.
    kinds = {q.kind for q in questions}
    assert kinds == {"single", "multiple", "true-false", "ordering"}
    for question in questions[1:]:
        answer(page, question, right=question is not questions[-1])
        covers = page.locator(f"#q-{question.id} details[open] p").filter(has_text="Covers:")
        links = covers.locator("a[href*='#step-']")
        assert links.count() == len(question.covers), question.id  # the steps it refers to
        expected = "Correct." if question is not questions[-1] else "Not quite."
        assert page.locator(f"#q-{question.id} .sq-feedback").inner_text() == expected, (
            question.id)
    assert score.inner_text() == (
        f"Score: {len(questions) - 2} / {len(questions)} \u00b7 right on a retry (practice): 1")
    # trying every option in turn never reaches a full score
    last = questions[-1]
    answer(page, last, right=True)
    assert score.inner_text() == (
        f"Score: {len(questions) - 2} / {len(questions)} \u00b7 right on a retry (practice): 2")
    assert score.get_attribute("data-correct") == str(len(questions) - 2)
    assert_clean(web)


def test_quiz_works_after_instant_navigation(native_site: Site, web: Session) -> None:
    page = web.new_page()
    page.goto(native_site.page(NO_DIAGRAM_PAGE), wait_until="load")
    page.evaluate("window.__marker = 1")
    page.locator(f"article a[href$='{SOP_PAGE}']").first.click()
    page.wait_for_url(native_site.page(SOP_PAGE))
    page.locator(f"article a[href$='{MODULE_PAGE}']").first.click()
    page.wait_for_url(native_site.page(MODULE_PAGE))
    assert page.evaluate("window.__marker") == 1, "expected instant navigation, not a reload"
    questions = _quiz_of_sop_it_ci()
    page.locator(".sq-check").first.wait_for()
    assert page.locator(".sq-check").count() == len(questions)
    answer(page, questions[1], right=True)
    assert page.locator(f"#q-{questions[1].id} .sq-feedback").inner_text() == "Correct."
    assert page.locator(".sq-score").inner_text() == f"Score: 1 / {len(questions)}"
    assert_clean(web)


def test_quiz_without_javascript_lists_options_and_folds_the_answers(
    native_site: Site, browser: Any
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(native_site.page(MODULE_PAGE), wait_until="load")
        questions = _quiz_of_sop_it_ci()
        assert page.locator(".sq-check").count() == 0
        assert page.locator(".sq-question details").count() == len(questions)
        first = page.locator(f"#q-{questions[0].id}")
        assert first.locator("li[data-option]").count() == len(questions[0].options)
        details = first.locator("details")
        assert details.get_attribute("open") is None
        assert "Correct answer:" not in details.inner_text()
        details.locator("summary").click()  # a native details block opens without scripts
        assert "Correct answer:" in details.inner_text()
    finally:
        context.close()


def test_checklist_prints_without_navigation_chrome(native_site: Site, web: Session) -> None:
    page = web.new_page()
    page.goto(native_site.page("training/checklists/sop-it-ci/"), wait_until="load")
    chrome = (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer")
    for selector in chrome:
        assert page.locator(selector).first.is_visible(), f"{selector} hidden on screen"
    page.emulate_media(media="print")
    for selector in chrome:
        assert not page.locator(selector).first.is_visible(), f"{selector} printed"
    items = page.locator("article .task-list-item")
    assert items.count() >= len(SOP_STEPS)
    assert items.first.is_visible()
    assert page.locator("article h1").inner_text().startswith("Checklist: ")
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5_000
    assert_clean(web)


def test_printed_procedure_says_it_is_uncontrolled(native_site: Site, web: Session) -> None:
    page = web.new_page()
    page.goto(native_site.page(SOP_PAGE), wait_until="load")
    footer = page.locator(".sopsite-print-footer")
    assert not footer.is_visible()
    page.emulate_media(media="print")
    assert footer.is_visible()
    text = footer.inner_text()
    assert text.startswith("Printed copies are uncontrolled · SOP-IT-CI v2.1 · commit ")
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert_clean(web)
