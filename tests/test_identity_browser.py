"""The handbook's identity in headless Chromium: its logo and name, the light/dark toggle
and that the choice is kept, text contrast of the key elements in both schemes (diagrams
included), and the front page's cards leading to pages that exist."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.browser import Session, StaticServer, build, copy_handbook, session
from tests.support.contrast import AA_TEXT, Measured, measure

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.clean_browser]

OPEN_SHADOWS = """(() => {
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    return attach.call(this, Object.assign({}, init, {mode: 'open'}));
  };
})();"""
"""Material draws each diagram into a closed shadow root; the test opens it (before any
script runs) to read the colours of the diagram's boxes and labels."""

PAGES = {
    "home": "",
    "procedure": "procedures/sop-it-ci/",
    "catalogue": "catalogue/",
    "reviews": "reviews/",
    "actions": "actions/",
    "not in force": "procedures/sop-it-cert/",
    "training": "training/sop-it-ci/",
}
"""Pages whose key elements are measured, each the first of its kind."""

LINK = "article a:not(.headerlink)"
"""A link in the text; the heading's permalink (shown faint, for hovering) is not text."""

KEY_ELEMENTS = {
    "home": [".md-header__topic .md-ellipsis", "article h1", "article p", LINK,
             ".md-nav__link", ".md-copyright__highlight"],
    "procedure": ["article p", LINK, "article table td", ".admonition-title"],
    "catalogue": ["article th", "article td", "article td a", ".sopsite-filter-count"],
    "reviews": ["article h2", "article p"],
    "actions": ["article th", "article td", "article td a"],
    "not in force": [".sopsite-status > .admonition-title", ".sopsite-status p"],
    "training": [".sopsite-quiz .sq-question p", ".sopsite-quiz .sq-options label",
                 ".sopsite-quiz .sq-score"],
}
"""What a reader must be able to read on each page: body text, links, headings, tables,
the navigation, banners and the quiz."""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("identity-site")
    with StaticServer(base / "site") as server:
        build(copy_handbook(base / "book", site_url=server.url) / "mkdocs.yml", base / "site")
        yield server.url


def _scheme(page: Any) -> str:
    return str(page.evaluate("document.body.getAttribute('data-md-color-scheme')"))


def test_the_header_shows_the_logo_and_the_name(served: str, web: Session) -> None:
    page = web.new_page()
    page.goto(served, wait_until="load")
    logo = page.locator(".md-header__button.md-logo img")
    assert logo.evaluate("img => img.src") == f"{served}assets/logo.svg"
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    box = logo.bounding_box()
    assert box is not None
    assert box["width"] >= 16
    assert box["height"] >= 16
    assert page.locator(".md-header__topic").first.inner_text().strip() == (
        "Kestrel Bay Handbook")
    assert page.title() == "Kestrel Bay Handbook"
    favicon = page.evaluate("document.querySelector('link[rel=icon]').href")
    assert favicon == f"{served}assets/favicon.svg"
    assert page.request.get(favicon).status == 200
    footer = page.locator(".md-footer-meta").inner_text()
    assert "Kestrel Bay Water Cooperative" in footer
    assert "Made with" not in footer


def test_the_toggle_switches_to_dark_and_the_choice_is_kept(served: str, web: Session) -> None:
    page = web.new_page()
    page.emulate_media(color_scheme="light")
    page.goto(served, wait_until="load")
    assert _scheme(page) == "default"
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light != dark
    page.reload(wait_until="load")
    assert _scheme(page) == "slate"
    page.goto(f"{served}catalogue/", wait_until="load")
    assert _scheme(page) == "slate"
    # The header keeps the handbook's colour in both schemes.
    header = page.evaluate("getComputedStyle(document.querySelector('.md-header'))"
                           ".backgroundColor")
    assert header == "rgb(11, 110, 110)"


def test_a_dark_system_opens_in_dark(served: str, web: Session) -> None:
    page = web.new_page()
    page.emulate_media(color_scheme="dark")
    page.goto(served, wait_until="load")
    assert _scheme(page) == "slate"


def _measured(page: Any, url: str, name: str) -> list[Measured]:
    page.goto(url, wait_until="load")
    found = []
    for selector in KEY_ELEMENTS[name]:
        locator = page.locator(f"{selector} >> visible=true")
        assert locator.count() > 0, f"{url}: no visible {selector}"
        found.append(measure(locator, selector))
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_key_text_reads_in_both_schemes(served: str, web: Session, scheme: str) -> None:
    page = web.new_page()
    page.emulate_media(color_scheme=scheme)
    low: list[str] = []
    for name, path in PAGES.items():
        for seen in _measured(page, served + path, name):
            assert _scheme(page) == ("slate" if scheme == "dark" else "default")
            if seen.ratio < AA_TEXT:
                low.append(f"{path or '/'}: {seen}")
    assert low == [], "\n".join(low)


QUIZ_STATES = """(quiz) => {
  const questions = quiz.querySelectorAll('.sq-question');
  questions[1].dataset.result = 'correct';
  questions[2].dataset.result = 'wrong';
  return [1, 2].map(i => getComputedStyle(questions[i]).borderLeftColor);
}"""
"""The two result states on two questions, to read the rule colour each state draws."""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_quiz_results_read_in_both_schemes(served: str, web: Session, scheme: str) -> None:
    from tests.support.contrast import over, parse, ratio

    page = web.new_page()
    page.emulate_media(color_scheme=scheme)
    page.goto(served + PAGES["training"], wait_until="load")
    first = page.locator(".sopsite-quiz .sq-question").first
    first.locator("input").first.check()
    first.locator(".sq-check").click()
    feedback = first.locator(".sq-feedback")
    feedback.wait_for()
    assert feedback.inner_text().strip()
    seen = measure(feedback, ".sq-feedback")
    assert seen.ratio >= AA_TEXT, str(seen)
    background = parse(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    for rule in page.locator(".sopsite-quiz").first.evaluate(QUIZ_STATES):
        # WCAG 1.4.11: a state shown by a graphic needs 3:1 against what is next to it.
        assert ratio(over(parse(rule), background), background) >= 3, (scheme, rule)


def _diagram_pairs(page: Any) -> list[tuple[Measured, Measured]]:
    """Each diagram's first box label against its box, as drawn in the open shadow root."""
    page.wait_for_function(
        "[...document.querySelectorAll('.mermaid')].every(d => d.shadowRoot && "
        "d.shadowRoot.querySelector('svg .node'))")
    hosts = page.locator(".mermaid")
    pairs = []
    for i in range(hosts.count()):
        seen = hosts.nth(i).evaluate("""host => {
          const node = host.shadowRoot.querySelector('svg .node');
          const shape = node.querySelector('rect, polygon, path, circle');
          const label = node.querySelector('.nodeLabel, foreignObject span, text');
          return {fill: getComputedStyle(shape).fill, color: getComputedStyle(label).color,
                  textFill: getComputedStyle(label).fill, tag: label.tagName,
                  text: label.textContent.trim().slice(0, 40)};
        }""")
        pairs.append(seen)
    return pairs


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_diagram_labels_read_in_both_schemes(served: str, browser: Any, scheme: str) -> None:
    from tests.support.contrast import over, parse, ratio

    with session(browser) as state:
        state.context.add_init_script(OPEN_SHADOWS)
        page = state.new_page()
        page.emulate_media(color_scheme=scheme)
        page.goto(served + PAGES["procedure"], wait_until="load")
        pairs = _diagram_pairs(page)
        assert pairs
        background = parse(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        for seen in pairs:
            box = over(parse(seen["fill"]), background)
            colour = seen["textFill"] if seen["tag"].lower() == "text" else seen["color"]
            label = over(parse(colour), box)
            assert ratio(label, box) >= AA_TEXT, (scheme, seen)
        assert state.console_errors == []
        assert state.blocked == []


def test_the_front_page_cards_lead_to_pages_that_exist(served: str, web: Session) -> None:
    page = web.new_page()
    page.goto(served, wait_until="load")
    cards = page.locator(".md-typeset .grid.cards > ul > li")
    assert cards.count() == 4
    titles = [cards.nth(i).locator("strong").first.inner_text() for i in range(4)]
    assert titles == ["I am new to a role", "I do the work", "I write or change procedures",
                      "I audit"]
    hrefs = page.eval_on_selector_all(".grid.cards a", "links => links.map(a => a.href)")
    assert len(hrefs) >= 15
    for href in sorted(set(hrefs)):
        assert href.startswith(served), href
        answer = page.request.get(href)
        assert answer.status == 200, href
        target = href.split("#", 1)
        if len(target) == 2:
            assert f'id="{target[1]}"' in answer.text(), href
    # The cards stand side by side on a wide screen: Material's grid is on.
    boxes = [cards.nth(i).bounding_box() for i in range(4)]
    assert all(box is not None for box in boxes)
    assert len({round(box["y"]) for box in boxes if box is not None}) < 4


def test_a_role_link_opens_that_roles_curriculum(served: str, web: Session) -> None:
    page = web.new_page()
    page.goto(served, wait_until="load")
    page.locator(".grid.cards a", has_text="Level 1 Technician").first.click()
    page.wait_for_url(f"{served}training/roles/level-1-technician/")
    page.locator("article h1", has_text="Level 1 Technician").wait_for()
